package dev.kiln.engine.layer;

import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;

/** Keras' weight initializers, drawn from an explicit {@link Rng}. */
public final class Initializers {
    private Initializers() {}

    /** U(low, high), Keras 'uniform' (RandomUniform). */
    public static Tensor uniform(Rng rng, float low, float high, int... dims) {
        Tensor tensor = Tensor.zeros(dims);
        float[] data = tensor.data();
        for (int i = 0; i < data.length; i++) {
            data[i] = rng.uniform(low, high);
        }
        return tensor;
    }

    /** glorot_uniform for a 2-D [fanIn, fanOut] kernel: U(-l, l), l = sqrt(6 / (fanIn + fanOut)), one draw for the whole matrix. */
    public static Tensor glorotUniform(Rng rng, int fanIn, int fanOut) {
        float limit = (float) Math.sqrt(6.0 / Math.max(1, fanIn + fanOut));
        return uniform(rng, -limit, limit, fanIn, fanOut);
    }

    /**
     * Keras 'orthogonal' (gain 1) for [rows, cols]: QR of a normal matrix of shape
     * (max, min), columns of Q signed by diag(R), transposed when rows &lt; cols. For the LSTM's
     * [units, 4 units] recurrent kernel the rows come out orthonormal.
     */
    public static Tensor orthogonal(Rng rng, int rows, int cols) {
        int tall = Math.max(rows, cols);
        int narrow = Math.min(rows, cols);
        double[][] q = new double[narrow][tall]; // column j of the (tall x narrow) matrix as q[j]
        for (int i = 0; i < tall; i++) {
            for (int j = 0; j < narrow; j++) {
                q[j][i] = rng.nextGaussian();
            }
        }
        // Modified Gram-Schmidt: Q's column j; r_jj's sign is +1 by construction (a norm),
        // which is Keras' sign(diag(R)) correction.
        for (int j = 0; j < narrow; j++) {
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < tall; i++) {
                    dot += q[p][i] * q[j][i];
                }
                for (int i = 0; i < tall; i++) {
                    q[j][i] -= dot * q[p][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < tall; i++) {
                norm += q[j][i] * q[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < tall; i++) {
                q[j][i] /= norm;
            }
        }
        Tensor tensor = Tensor.zeros(rows, cols);
        float[] data = tensor.data();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                // rows >= cols: W = Q (tall x narrow); rows < cols: W = Q^T.
                data[r * cols + c] = (float) (rows >= cols ? q[c][r] : q[r][c]);
            }
        }
        return tensor;
    }
}
