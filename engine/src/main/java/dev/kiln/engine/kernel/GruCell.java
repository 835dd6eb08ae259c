package dev.kiln.engine.kernel;

import jdk.incubator.vector.VectorSpecies;

/**
 * One GRU step for a block of rows, forward and backward: Keras' form with reset_after=True (its
 * default, and cuDNN's), gate blocks z, r, h. Per row, {@code xw} = x W + b_input and {@code hu} =
 * h_prev U + b_recurrent hold 3 * units values; z = sigmoid(xw_z + hu_z), r = sigmoid(xw_r + hu_r),
 * n = tanh(xw_h + r hu_h), h = z h_prev + (1 - z) n, and z, r, n are saved (3 * units per row).
 * Backward, from dL/dh: writes dL/dxw and dL/dhu and adds the direct part of dL/dh_prev (d z)
 * into {@code dhPrev} when it is not null. Gradients it writes below {@link LstmCell#FLUSH_BELOW}
 * become zero (the reason is the same as the LSTM's). Each form has a scalar reference with the
 * suffix {@code Scalar}.
 */
public final class GruCell {
    /** Rows handed to the loops at a time: their passes then find the rows in L1 (as the LSTM's). */
    static final int ROW_BLOCK = 8;

    private final GruCellLoops loops;

    /** A cell whose vector loops use {@code species}. */
    public GruCell(VectorSpecies<Float> species) {
        this.loops = Specialization.instantiate(GruCellLoops.class, VectorGruCellLoops.class, species);
    }

    /** The forward step for {@code rows} rows: see the class comment. */
    public void forward(int rows, int units, float[] xw, int xwOff, float[] hu, int huOff, float[] hPrev, int hPrevOff,
                        float[] h, int hOff, float[] saved, int savedOff) {
        checkForward(rows, units, xw, xwOff, hu, huOff, hPrev, hPrevOff, h, hOff, saved, savedOff);
        for (int r = 0; r < rows; r += ROW_BLOCK) {
            int u = r * units;
            loops.forward(Math.min(ROW_BLOCK, rows - r), units, xw, xwOff + 3 * u, hu, huOff + 3 * u, hPrev, hPrevOff + u,
                    h, hOff + u, saved, savedOff + 3 * u);
        }
    }

    /** The backward step for {@code rows} rows: see the class comment. */
    public void backward(int rows, int units, float[] dh, int dhOff, float[] hPrev, int hPrevOff, float[] hu, int huOff,
                         float[] saved, int savedOff, float[] dxw, int dxwOff, float[] dhu, int dhuOff, float[] dhPrev,
                         int dhPrevOff) {
        checkBackward(rows, units, dh, dhOff, hPrev, hPrevOff, hu, huOff, saved, savedOff, dxw, dxwOff, dhu, dhuOff, dhPrev,
                dhPrevOff);
        for (int r = 0; r < rows; r += ROW_BLOCK) {
            int u = r * units;
            loops.backward(Math.min(ROW_BLOCK, rows - r), units, dh, dhOff + u, hPrev, hPrevOff + u, hu, huOff + 3 * u, saved,
                    savedOff + 3 * u, dxw, dxwOff + 3 * u, dhu, dhuOff + 3 * u, dhPrev, dhPrevOff + u);
        }
    }

    /** The reference for {@link #forward}. */
    public static void forwardScalar(int rows, int units, float[] xw, int xwOff, float[] hu, int huOff, float[] hPrev,
                                     int hPrevOff, float[] h, int hOff, float[] saved, int savedOff) {
        checkForward(rows, units, xw, xwOff, hu, huOff, hPrev, hPrevOff, h, hOff, saved, savedOff);
        for (int row = 0; row < rows; row++) {
            forwardRow(row, units, xw, xwOff, hu, huOff, hPrev, hPrevOff, h, hOff, saved, savedOff);
        }
    }

    /** Row {@code row}, forward, in scalar code. */
    private static void forwardRow(int row, int units, float[] xw, int xwOff, float[] hu, int huOff, float[] hPrev,
                           int hPrevOff, float[] h, int hOff, float[] saved, int savedOff) {
        int g = row * 3 * units;
        for (int j = 0; j < units; j++) {
            float z = Activations.sigmoidScalar(xw[xwOff + g + j] + hu[huOff + g + j]);
            float r = Activations.sigmoidScalar(xw[xwOff + g + units + j] + hu[huOff + g + units + j]);
            float n = Activations.tanhScalar(xw[xwOff + g + 2 * units + j] + r * hu[huOff + g + 2 * units + j]);
            float previous = hPrev[hPrevOff + row * units + j];
            h[hOff + row * units + j] = z * previous + (1 - z) * n;
            saved[savedOff + g + j] = z;
            saved[savedOff + g + units + j] = r;
            saved[savedOff + g + 2 * units + j] = n;
        }
    }

    /** The reference for {@link #backward}. */
    public static void backwardScalar(int rows, int units, float[] dh, int dhOff, float[] hPrev, int hPrevOff, float[] hu,
                                      int huOff, float[] saved, int savedOff, float[] dxw, int dxwOff, float[] dhu, int dhuOff,
                                      float[] dhPrev, int dhPrevOff) {
        checkBackward(rows, units, dh, dhOff, hPrev, hPrevOff, hu, huOff, saved, savedOff, dxw, dxwOff, dhu, dhuOff, dhPrev,
                dhPrevOff);
        for (int row = 0; row < rows; row++) {
            backwardRow(row, 0, units, dh, dhOff, hPrev, hPrevOff, hu, huOff, saved, savedOff, dxw, dxwOff, dhu, dhuOff, dhPrev,
                    dhPrevOff);
        }
    }

    /** Units [from, units) of row {@code row}, backward, in scalar code (the reference, and the vector form's tail). */
    static void backwardRow(int row, int from, int units, float[] dh, int dhOff, float[] hPrev, int hPrevOff, float[] hu,
                            int huOff, float[] saved, int savedOff, float[] dxw, int dxwOff, float[] dhu, int dhuOff,
                            float[] dhPrev, int dhPrevOff) {
        int g = row * 3 * units;
        for (int j = from; j < units; j++) {
            float z = saved[savedOff + g + j];
            float r = saved[savedOff + g + units + j];
            float n = saved[savedOff + g + 2 * units + j];
            float d = dh[dhOff + row * units + j];
            float previous = hPrev[hPrevOff + row * units + j];
            float dnPre = LstmCell.flush(d * (1 - z) * (1 - n * n));
            float dzPre = LstmCell.flush(d * (previous - n) * z * (1 - z));
            float drPre = LstmCell.flush(dnPre * hu[huOff + g + 2 * units + j] * r * (1 - r));
            dxw[dxwOff + g + j] = dzPre;
            dxw[dxwOff + g + units + j] = drPre;
            dxw[dxwOff + g + 2 * units + j] = dnPre;
            dhu[dhuOff + g + j] = dzPre;
            dhu[dhuOff + g + units + j] = drPre;
            dhu[dhuOff + g + 2 * units + j] = LstmCell.flush(dnPre * r);
            if (dhPrev != null) {
                dhPrev[dhPrevOff + row * units + j] += d * z;
            }
        }
    }

    private static void checkForward(int rows, int units, float[] xw, int xwOff, float[] hu, int huOff, float[] hPrev,
                                     int hPrevOff, float[] h, int hOff, float[] saved, int savedOff) {
        long cells = checkShape(rows, units);
        Bounds.range("xw", xw, xwOff, 3 * cells);
        Bounds.range("hu", hu, huOff, 3 * cells);
        Bounds.range("hPrev", hPrev, hPrevOff, cells);
        Bounds.range("h", h, hOff, cells);
        Bounds.range("saved", saved, savedOff, 3 * cells);
    }

    private static void checkBackward(int rows, int units, float[] dh, int dhOff, float[] hPrev, int hPrevOff, float[] hu,
                                      int huOff, float[] saved, int savedOff, float[] dxw, int dxwOff, float[] dhu, int dhuOff,
                                      float[] dhPrev, int dhPrevOff) {
        long cells = checkShape(rows, units);
        Bounds.range("dh", dh, dhOff, cells);
        Bounds.range("hPrev", hPrev, hPrevOff, cells);
        Bounds.range("hu", hu, huOff, 3 * cells);
        Bounds.range("saved", saved, savedOff, 3 * cells);
        Bounds.range("dxw", dxw, dxwOff, 3 * cells);
        Bounds.range("dhu", dhu, dhuOff, 3 * cells);
        if (dhPrev != null) {
            Bounds.range("dhPrev", dhPrev, dhPrevOff, cells);
        }
    }

    private static long checkShape(int rows, int units) {
        Bounds.nonNegative("rows", rows);
        if (units < 1) {
            throw new IllegalArgumentException("units must be >= 1, got " + units);
        }
        return (long) rows * units;
    }
}
