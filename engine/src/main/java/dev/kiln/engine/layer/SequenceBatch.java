package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.EmbeddingRows;
import dev.kiln.engine.autodiff.Variable;

/**
 * One vector per real token: {@code values} is [tokens, features], sequence s occupying rows
 * {@code offsets[s] .. offsets[s] + lengths[s])}. Padding has no rows at all. {@code rows}, when
 * an Embedding made the values, says which table rows they are (null otherwise), so an LSTM can
 * project the table instead of every token.
 */
public record SequenceBatch(Variable values, int[] lengths, int[] offsets, EmbeddingRows rows) implements LayerValue {

    public SequenceBatch {
        if (values.shape().rank() != 2) {
            throw new IllegalArgumentException("SequenceBatch values must be [tokens, features], got " + values.shape());
        }
    }

    /** Values that are not known to be rows of a table. */
    public SequenceBatch(Variable values, int[] lengths, int[] offsets) {
        this(values, lengths, offsets, null);
    }

    @Override
    public int batchSize() {
        return lengths.length;
    }

    /** Sequences [from, to) as a constant (slicing is for splitting inputs, which take no gradient). */
    @Override
    public SequenceBatch slice(int from, int to) {
        PackedSlice slice = PackedSlice.of(lengths, offsets, from, to, "SequenceBatch");
        int features = features();
        float[] rows = java.util.Arrays.copyOfRange(values.data(), slice.start() * features, slice.end() * features);
        return new SequenceBatch(Variable.constant(dev.kiln.engine.tensor.Tensor.wrap(rows, slice.end() - slice.start(), features)),
                slice.lengths(), slice.offsets());
    }

    public int features() {
        return values.shape().dim(1);
    }

    public int maxLength() {
        int max = 0;
        for (int length : lengths) {
            max = Math.max(max, length);
        }
        return max;
    }
}
