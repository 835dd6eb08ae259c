package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Activations;
import dev.kiln.engine.kernel.Kernels;

import java.util.Arrays;

/** Keras' SimpleRNN step with tanh: h = tanh(xw + hu). It saves h. The tanh is the vectorized kernel's. */
final class SimpleRnnCell implements RecurrentCell {
    private final Activations activations;

    SimpleRnnCell(Kernels kernels) {
        this.activations = kernels.activations();
    }

    @Override
    public int gates() {
        return 1;
    }

    @Override
    public int saved() {
        return 1;
    }

    @Override
    public void forward(int rows, int units, float[] xw, int xwOff, float[] hu, int huOff, float[] hPrev, int hPrevOff, float[] h,
                        int hOff, float[] saved, int savedOff) {
        int n = rows * units;
        for (int i = 0; i < n; i++) {
            h[hOff + i] = xw[xwOff + i] + hu[huOff + i];
        }
        activations.tanh(n, h, hOff, h, hOff);
        System.arraycopy(h, hOff, saved, savedOff, n);
    }

    @Override
    public void backward(int rows, int units, float[] dh, int dhOff, float[] hPrev, int hPrevOff, float[] hu, int huOff,
                         float[] saved, int savedOff, float[] dxw, int dxwOff, float[] dhu, int dhuOff, float[] dhPrev, int dhPrevOff) {
        int n = rows * units;
        Arrays.fill(dxw, dxwOff, dxwOff + n, 0f);
        activations.tanhBackward(n, saved, savedOff, dh, dhOff, dxw, dxwOff); // dxw = dh (1 - h^2)
        System.arraycopy(dxw, dxwOff, dhu, dhuOff, n);
    }
}
