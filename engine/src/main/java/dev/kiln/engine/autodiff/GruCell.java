package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Kernels;

/**
 * Keras' GRU step, reset_after=True (its default, and cuDNN's form), gate blocks z, r, h:
 * z = sigmoid(xw_z + hu_z), r = sigmoid(xw_r + hu_r), n = tanh(xw_h + r hu_h),
 * h = z h_prev + (1 - z) n. It saves z, r and n. The arithmetic is the vectorized kernel's
 * ({@link dev.kiln.engine.kernel.GruCell}).
 */
final class GruCell implements RecurrentCell {
    private final dev.kiln.engine.kernel.GruCell kernel;

    GruCell(Kernels kernels) {
        this.kernel = kernels.gruCell();
    }

    @Override
    public int gates() {
        return 3;
    }

    @Override
    public int saved() {
        return 3;
    }

    @Override
    public void forward(int rows, int units, float[] xw, int xwOff, float[] hu, int huOff, float[] hPrev, int hPrevOff, float[] h,
                        int hOff, float[] saved, int savedOff) {
        kernel.forward(rows, units, xw, xwOff, hu, huOff, hPrev, hPrevOff, h, hOff, saved, savedOff);
    }

    @Override
    public void backward(int rows, int units, float[] dh, int dhOff, float[] hPrev, int hPrevOff, float[] hu, int huOff,
                         float[] saved, int savedOff, float[] dxw, int dxwOff, float[] dhu, int dhuOff, float[] dhPrev, int dhPrevOff) {
        kernel.backward(rows, units, dh, dhOff, hPrev, hPrevOff, hu, huOff, saved, savedOff, dxw, dxwOff, dhu, dhuOff, dhPrev,
                dhPrevOff);
    }
}
