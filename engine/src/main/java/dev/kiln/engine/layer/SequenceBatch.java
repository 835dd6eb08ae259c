package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Variable;

/**
 * One vector per real token: {@code values} is [tokens, features], sequence s occupying rows
 * {@code offsets[s] .. offsets[s] + lengths[s])}. Padding has no rows at all.
 */
public record SequenceBatch(Variable values, int[] lengths, int[] offsets) implements LayerValue {

    public SequenceBatch {
        if (values.shape().rank() != 2) {
            throw new IllegalArgumentException("SequenceBatch values must be [tokens, features], got " + values.shape());
        }
    }

    @Override
    public int batchSize() {
        return lengths.length;
    }

    /** Sequences [from, to) as a constant (slicing is for splitting inputs, which take no gradient). */
    @Override
    public SequenceBatch slice(int from, int to) {
        if (from < 0 || to > lengths.length || from > to) {
            throw new IllegalArgumentException("SequenceBatch.slice(" + from + ", " + to + ") outside a batch of " + lengths.length);
        }
        int features = features();
        int start = from == to ? 0 : offsets[from];
        int end = from == to ? 0 : offsets[to - 1] + lengths[to - 1];
        int[] newOffsets = new int[to - from];
        for (int s = from; s < to; s++) {
            newOffsets[s - from] = offsets[s] - start;
        }
        float[] rows = java.util.Arrays.copyOfRange(values.data(), start * features, end * features);
        return new SequenceBatch(Variable.constant(dev.kiln.engine.tensor.Tensor.wrap(rows, end - start, features)),
                java.util.Arrays.copyOfRange(lengths, from, to), newOffsets);
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
