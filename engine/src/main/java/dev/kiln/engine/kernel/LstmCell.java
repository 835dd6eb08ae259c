package dev.kiln.engine.kernel;

import jdk.incubator.vector.VectorSpecies;

/**
 * One LSTM step for a block of rows, forward and backward, in Keras' gate order i, f, c, o.
 * Row r of {@code gates} holds 4 * units values; the other arrays hold units values per row.
 *
 * <p>Forward: gates hold the pre-activations z = x.W + h.U + b, the candidate's block doubled
 * ({@link #doubleCandidates}: callers double W's, U's and b's candidate columns, which is exact),
 * and are replaced by the activations i = sigmoid, f = sigmoid, g = tanh, o = sigmoid; then
 * c = f * cPrev + i * g, tanhC = tanh(c), h = o * tanhC. The doubling lets one sigmoid pass serve
 * all four blocks (tanh(z) = 2 sigmoid(2z) - 1): the vector cell's two scaling passes around it
 * had cost a fifth of its time (JMH). The vector form uses the gate activations of
 * {@code VectorMath} (absolute error below 4e-7). Backward, from the saved gates, cPrev and tanhC: with
 * dcTotal = dc + dh * o * (1 - tanhC^2), writes dz (the gradient of the pre-activations) and
 * replaces dc by dcTotal * f, the gradient for the previous step's cell. A null cPrev is the
 * zero state. Gradients below {@link #FLUSH_BELOW} are written as zero. Each form has a scalar
 * reference with the suffix {@code Scalar}.
 */
public final class LstmCell {
    /**
     * Rows are handed to the loops this many at a time: the loops make several passes over their
     * rows, and 8 rows of gates (8 KiB for 64 units) stay in L1 between passes where a step of 64
     * rows (64 KiB) would not. Every value is computed the same way whatever the block.
     */
    static final int ROW_BLOCK = 8;

    private final LstmCellLoops loops;

    /** A cell whose vector loops use {@code species}. */
    public LstmCell(VectorSpecies<Float> species) {
        this.loops = Specialization.instantiate(LstmCellLoops.class, VectorLstmCellLoops.class, species);
    }

    /** The forward step for {@code rows} rows: see the class comment. */
    public void forward(int rows, int units, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                        float[] c, int cOff, float[] tanhC, int tanhCOff, float[] h, int hOff) {
        checkForward(rows, units, gates, gatesOff, cPrev, cPrevOff, c, cOff, tanhC, tanhCOff, h, hOff);
        for (int r = 0; r < rows; r += ROW_BLOCK) {
            int u = r * units;
            loops.forward(Math.min(ROW_BLOCK, rows - r), units, gates, gatesOff + 4 * u, cPrev, cPrevOff + u, c, cOff + u,
                    tanhC, tanhCOff + u, h, hOff + u);
        }
    }

    /** The backward step for {@code rows} rows: see the class comment. */
    public void backward(int rows, int units, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                         float[] tanhC, int tanhCOff, float[] dh, int dhOff, float[] dc, int dcOff, float[] dz, int dzOff) {
        checkBackward(rows, units, gates, gatesOff, cPrev, cPrevOff, tanhC, tanhCOff, dh, dhOff, dc, dcOff, dz, dzOff);
        for (int r = 0; r < rows; r += ROW_BLOCK) {
            int u = r * units;
            loops.backward(Math.min(ROW_BLOCK, rows - r), units, gates, gatesOff + 4 * u, cPrev, cPrevOff + u, tanhC,
                    tanhCOff + u, dh, dhOff + u, dc, dcOff + u, dz, dzOff + 4 * u);
        }
    }

    /** The reference for {@link #forward}. */
    public static void forwardScalar(int rows, int units, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                                     float[] c, int cOff, float[] tanhC, int tanhCOff, float[] h, int hOff) {
        checkForward(rows, units, gates, gatesOff, cPrev, cPrevOff, c, cOff, tanhC, tanhCOff, h, hOff);
        for (int r = 0; r < rows; r++) {
            int g = gatesOff + r * 4 * units;
            for (int u = 0; u < units; u++) {
                int s = r * units + u;
                float i = Activations.sigmoidScalar(gates[g + u]);
                float f = Activations.sigmoidScalar(gates[g + units + u]);
                float cand = Activations.tanhScalar(0.5f * gates[g + 2 * units + u]);
                float o = Activations.sigmoidScalar(gates[g + 3 * units + u]);
                float previous = cPrev == null ? 0f : cPrev[cPrevOff + s];
                float cell = f * previous + i * cand;
                gates[g + u] = i;
                gates[g + units + u] = f;
                gates[g + 2 * units + u] = cand;
                gates[g + 3 * units + u] = o;
                c[cOff + s] = cell;
                tanhC[tanhCOff + s] = Activations.tanhScalar(cell);
                h[hOff + s] = o * tanhC[tanhCOff + s];
            }
        }
    }

    /**
     * Doubles the candidate block (columns [2 units, 3 units)) of {@code rows} rows of gate
     * columns, {@code stride} apart from {@code offset}: W's and U's rows, b, or rows of x.W + b.
     * Exact (a power of 2) unless a value overflows, where tanh saturates either way.
     */
    public static void doubleCandidates(int rows, int units, float[] z, int offset, int stride) {
        Bounds.matrix("z", z, offset, rows, 4 * units, stride);
        for (int r = 0; r < rows; r++) {
            Arithmetic.scaleInPlaceScalar(units, 2f, z, offset + r * stride + 2 * units);
        }
    }

    /** The reference for {@link #backward}. */
    public static void backwardScalar(int rows, int units, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                                      float[] tanhC, int tanhCOff, float[] dh, int dhOff, float[] dc, int dcOff,
                                      float[] dz, int dzOff) {
        checkBackward(rows, units, gates, gatesOff, cPrev, cPrevOff, tanhC, tanhCOff, dh, dhOff, dc, dcOff, dz, dzOff);
        for (int r = 0; r < rows; r++) {
            backwardRow(r, 0, units, gates, gatesOff, cPrev, cPrevOff, tanhC, tanhCOff, dh, dhOff, dc, dcOff, dz, dzOff);
        }
    }

    /**
     * Gradients below this are set to zero. Gradients through hundreds of steps decay towards the
     * subnormal range, where every multiply-add on them (or producing them) takes a slow microcode
     * path: the weight-gradient GEMMs ran 10x slower. TensorFlow runs with flush-to-zero for the
     * same reason; Java cannot set that CPU flag, so the cell flushes what it writes, with margin
     * (2^-100, about 8e-31) so that products with weights do not land in the subnormal range either.
     * A gradient that small is 25 orders of magnitude below any that moves a weight.
     */
    public static final float FLUSH_BELOW = 0x1p-100f;

    static float flush(float v) {
        return Math.abs(v) < FLUSH_BELOW ? 0f : v;
    }

    /** Units [from, units) of row r, backward, in scalar code (the reference, and the vector form's tail). */
    static void backwardRow(int r, int from, int units, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                            float[] tanhC, int tanhCOff, float[] dh, int dhOff, float[] dc, int dcOff,
                            float[] dz, int dzOff) {
        int g = gatesOff + r * 4 * units;
        int z = dzOff + r * 4 * units;
        for (int u = from; u < units; u++) {
            int s = r * units + u;
            float i = gates[g + u];
            float f = gates[g + units + u];
            float cand = gates[g + 2 * units + u];
            float o = gates[g + 3 * units + u];
            float squashed = tanhC[tanhCOff + s];
            float previous = cPrev == null ? 0f : cPrev[cPrevOff + s];
            float dhv = dh[dhOff + s];
            dz[z + 3 * units + u] = flush(dhv * squashed * (o * (1f - o)));
            float dcTotal = dhv * o * (1f - squashed * squashed) + dc[dcOff + s];
            dz[z + u] = flush(dcTotal * cand * (i * (1f - i)));
            dz[z + units + u] = flush(dcTotal * previous * (f * (1f - f)));
            dz[z + 2 * units + u] = flush(dcTotal * i * (1f - cand * cand));
            dc[dcOff + s] = flush(dcTotal * f);
        }
    }

    private static void checkForward(int rows, int units, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                                     float[] c, int cOff, float[] tanhC, int tanhCOff, float[] h, int hOff) {
        long cells = checkShape(rows, units, gates, gatesOff);
        if (cPrev != null) {
            Bounds.range("cPrev", cPrev, cPrevOff, cells);
        }
        Bounds.range("c", c, cOff, cells);
        Bounds.range("tanhC", tanhC, tanhCOff, cells);
        Bounds.range("h", h, hOff, cells);
    }

    private static void checkBackward(int rows, int units, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                                      float[] tanhC, int tanhCOff, float[] dh, int dhOff, float[] dc, int dcOff,
                                      float[] dz, int dzOff) {
        long cells = checkShape(rows, units, gates, gatesOff);
        if (cPrev != null) {
            Bounds.range("cPrev", cPrev, cPrevOff, cells);
        }
        Bounds.range("tanhC", tanhC, tanhCOff, cells);
        Bounds.range("dh", dh, dhOff, cells);
        Bounds.range("dc", dc, dcOff, cells);
        Bounds.range("dz", dz, dzOff, 4 * cells);
    }

    private static long checkShape(int rows, int units, float[] gates, int gatesOff) {
        Bounds.nonNegative("rows", rows);
        if (units < 1) {
            throw new IllegalArgumentException("units must be >= 1, got " + units);
        }
        long cells = (long) rows * units;
        Bounds.range("gates", gates, gatesOff, 4 * cells);
        return cells;
    }
}
