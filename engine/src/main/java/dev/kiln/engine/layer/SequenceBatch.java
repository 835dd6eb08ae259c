package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.EmbeddingRows;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.tensor.Tensor;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * One vector per real token: {@link #values()} is [tokens, features], sequence s occupying rows
 * {@code offsets[s] .. offsets[s] + lengths[s])}. Padding has no rows at all. {@link #rows()}, when
 * an Embedding made the values, says which table rows they are (null otherwise), so a recurrent layer can
 * project the table instead of every token; the Embedding then gathers the vectors only if
 * someone asks for them. {@link #masked()} says whether the lengths are a Keras mask (an
 * Embedding with mask_zero dropped the padding) rather than the full padded length, so a layer
 * that Keras refuses to feed a mask (Conv1D) can refuse it too.
 */
public final class SequenceBatch implements LayerValue {
    private final int[] lengths;
    private final int[] offsets;
    private final EmbeddingRows rows;
    private final boolean masked;
    private Supplier<Variable> gather;
    private Variable values;

    /**
     * Values [tokens, features] packed as {@code lengths} and {@code offsets} say; {@code rows}, when not null,
     * the table rows they are.
     */
    public SequenceBatch(Variable values, int[] lengths, int[] offsets, EmbeddingRows rows) {
        this(values, lengths, offsets, rows, false);
    }

    /** As above; {@code masked} when the lengths are a Keras mask (padding dropped). */
    public SequenceBatch(Variable values, int[] lengths, int[] offsets, EmbeddingRows rows, boolean masked) {
        this.lengths = lengths;
        this.offsets = offsets;
        this.rows = rows;
        this.masked = masked;
        this.values = requireMatrix(values);
    }

    /** Values that are not known to be rows of a table, not masked. */
    public SequenceBatch(Variable values, int[] lengths, int[] offsets) {
        this(values, lengths, offsets, null);
    }

    private SequenceBatch(EmbeddingRows rows, int[] lengths, int[] offsets, Supplier<Variable> gather, boolean masked) {
        this.lengths = lengths;
        this.offsets = offsets;
        this.rows = rows;
        this.masked = masked;
        this.gather = gather;
    }

    /**
     * Rows {@code rows.ids()} of an embedding table, whose vectors {@code gather} computes (and
     * records on the tape) the first time {@link #values()} is called, if ever; {@code masked}
     * when the Embedding dropped padding (mask_zero).
     */
    public static SequenceBatch ofTableRows(EmbeddingRows rows, int[] lengths, int[] offsets, Supplier<Variable> gather,
                                            boolean masked) {
        return new SequenceBatch(rows, lengths, offsets, gather, masked);
    }

    /**
     * New values for the same sequences, as a layer that passes the mask on returns them (Dense,
     * Dropout, LayerNormalization, a recurrent layer's sequences): lengths, offsets and the mask
     * flag kept, not table rows.
     */
    public SequenceBatch withValues(Variable values) {
        return new SequenceBatch(values, lengths, offsets, null, masked);
    }

    /** Whether the lengths are a Keras mask (an Embedding with mask_zero dropped padding) rather than full lengths. */
    public boolean masked() {
        return masked;
    }

    private static Variable requireMatrix(Variable values) {
        if (values.shape().rank() != 2) {
            throw new IllegalArgumentException("SequenceBatch values must be [tokens, features], got " + values.shape());
        }
        return values;
    }

    /** The token vectors [tokens, features] (gathered now if they were deferred). */
    public Variable values() {
        if (values == null) {
            values = requireMatrix(gather.get());
            gather = null;
        }
        return values;
    }

    /** Each sequence's number of real tokens. */
    public int[] lengths() {
        return lengths;
    }

    /** The row at which each sequence starts. */
    public int[] offsets() {
        return offsets;
    }

    /** Which embedding rows the values are, or null when they are not known to be table rows. */
    public EmbeddingRows rows() {
        return rows;
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
        float[] rows = Arrays.copyOfRange(values().data(), slice.start() * features, slice.end() * features);
        return new SequenceBatch(Variable.constant(Tensor.wrap(rows, slice.end() - slice.start(), features)),
                slice.lengths(), slice.offsets(), null, masked);
    }

    /** The width of each token's vector. */
    public int features() {
        return values == null ? rows.table().shape().dim(1) : values.shape().dim(1);
    }

    /** The longest sequence's length (0 for an empty batch). */
    public int maxLength() {
        int max = 0;
        for (int length : lengths) {
            max = Math.max(max, length);
        }
        return max;
    }

    @Override
    public String toString() {
        return "SequenceBatch[" + lengths.length + " sequences, " + features() + " features]";
    }
}
