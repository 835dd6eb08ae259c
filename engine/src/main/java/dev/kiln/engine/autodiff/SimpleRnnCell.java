package dev.kiln.engine.autodiff;

/** Keras' SimpleRNN step with tanh: h = tanh(xw + hu). It saves h. */
final class SimpleRnnCell implements RecurrentCell {

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
        for (int i = 0; i < rows * units; i++) {
            float value = (float) Math.tanh(xw[xwOff + i] + hu[huOff + i]);
            h[hOff + i] = value;
            saved[savedOff + i] = value;
        }
    }

    @Override
    public void backward(int rows, int units, float[] dh, int dhOff, float[] hPrev, int hPrevOff, float[] hu, int huOff,
                         float[] saved, int savedOff, float[] dxw, int dxwOff, float[] dhu, int dhuOff, float[] dhPrev, int dhPrevOff) {
        for (int i = 0; i < rows * units; i++) {
            float h = saved[savedOff + i];
            float pre = dh[dhOff + i] * (1 - h * h);
            dxw[dxwOff + i] = pre;
            dhu[dhuOff + i] = pre;
        }
    }
}
