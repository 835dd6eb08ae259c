package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Arithmetic;

/**
 * An output's gradient as a recurrent layer's backward pass reads it: a row segment at a time,
 * added to or copied into that layer's own arrays. Either an array ({@link #of}), or the parts
 * that the layer above left unsummed ({@link RowPartsGradient}), so a stacked model's rows are
 * summed where they are read instead of in a pass over the whole gradient.
 */
interface GradientRows {
    /** target[at, at + length) += columns [column, column + length) of row {@code row}. */
    void addTo(int row, int column, int length, float[] target, int at);

    /** target[at, at + length) = columns [column, column + length) of row {@code row}. */
    void copyTo(int row, int column, int length, float[] target, int at);

    /**
     * {@code variable}'s gradient, rows of {@code width}: its unsummed parts if that is all it has
     * received, otherwise its array (made, zeroed, if nothing has flowed in).
     */
    static GradientRows of(Variable variable, Arithmetic arithmetic, int width) {
        RowPartsGradient parts = variable.unsummedGradient();
        if (parts != null) {
            return parts;
        }
        float[] data = variable.gradData();
        return new GradientRows() {
            @Override
            public void addTo(int row, int column, int length, float[] target, int at) {
                arithmetic.axpy(length, 1f, data, row * width + column, target, at);
            }

            @Override
            public void copyTo(int row, int column, int length, float[] target, int at) {
                System.arraycopy(data, row * width + column, target, at, length);
            }
        };
    }
}
