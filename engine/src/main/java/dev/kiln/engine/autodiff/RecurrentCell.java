package dev.kiln.engine.autodiff;

/**
 * One step of a recurrent cell over the {@code rows} sequences still running, given the input
 * projection xw = x W + b_input and the recurrent product hu = h_prev U + b_recurrent (both
 * [rows, gates x units]). Rows are contiguous; the direction ({@link CellDirection}) does the
 * GEMMs and the bookkeeping, the cell only the element-wise part.
 */
interface RecurrentCell {

    /** Blocks of {@code units} columns in the kernels: 1 for SimpleRNN, 3 for GRU. */
    int gates();

    /** Floats per row and unit the forward step saves for the backward one. */
    int saved();

    /** h = cell(xw, hu, hPrev) for {@code rows} rows of {@code units}; writes what backward needs to {@code saved}. */
    void forward(int rows, int units, float[] xw, int xwOff, float[] hu, int huOff, float[] hPrev, int hPrevOff, float[] h,
                 int hOff, float[] saved, int savedOff);

    /**
     * From dL/dh: writes dL/dxw and dL/dhu ([rows, gates x units]) and adds the direct part of
     * dL/dh_prev (through h_prev itself, not through hu) into {@code dhPrev} when it is not null.
     */
    void backward(int rows, int units, float[] dh, int dhOff, float[] hPrev, int hPrevOff, float[] hu, int huOff, float[] saved,
                  int savedOff, float[] dxw, int dxwOff, float[] dhu, int dhuOff, float[] dhPrev, int dhPrevOff);
}
