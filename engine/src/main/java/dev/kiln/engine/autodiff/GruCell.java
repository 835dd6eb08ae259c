package dev.kiln.engine.autodiff;

/**
 * Keras' GRU step, reset_after=True (its default, and cuDNN's form), gate blocks z, r, h:
 * z = sigmoid(xw_z + hu_z), r = sigmoid(xw_r + hu_r), n = tanh(xw_h + r hu_h),
 * h = z h_prev + (1 - z) n. It saves z, r and n.
 */
final class GruCell implements RecurrentCell {

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
        int width = 3 * units;
        for (int row = 0; row < rows; row++) {
            int g = row * width;
            for (int j = 0; j < units; j++) {
                float z = sigmoid(xw[xwOff + g + j] + hu[huOff + g + j]);
                float r = sigmoid(xw[xwOff + g + units + j] + hu[huOff + g + units + j]);
                float n = (float) Math.tanh(xw[xwOff + g + 2 * units + j] + r * hu[huOff + g + 2 * units + j]);
                float previous = hPrev[hPrevOff + row * units + j];
                h[hOff + row * units + j] = z * previous + (1 - z) * n;
                saved[savedOff + g + j] = z;
                saved[savedOff + g + units + j] = r;
                saved[savedOff + g + 2 * units + j] = n;
            }
        }
    }

    @Override
    public void backward(int rows, int units, float[] dh, int dhOff, float[] hPrev, int hPrevOff, float[] hu, int huOff,
                         float[] saved, int savedOff, float[] dxw, int dxwOff, float[] dhu, int dhuOff, float[] dhPrev, int dhPrevOff) {
        int width = 3 * units;
        for (int row = 0; row < rows; row++) {
            int g = row * width;
            for (int j = 0; j < units; j++) {
                float z = saved[savedOff + g + j];
                float r = saved[savedOff + g + units + j];
                float n = saved[savedOff + g + 2 * units + j];
                float d = dh[dhOff + row * units + j];
                float previous = hPrev[hPrevOff + row * units + j];
                float dnPre = d * (1 - z) * (1 - n * n);
                float dzPre = d * (previous - n) * z * (1 - z);
                float drPre = dnPre * hu[huOff + g + 2 * units + j] * r * (1 - r);
                dxw[dxwOff + g + j] = dzPre;
                dxw[dxwOff + g + units + j] = drPre;
                dxw[dxwOff + g + 2 * units + j] = dnPre;
                dhu[dhuOff + g + j] = dzPre;
                dhu[dhuOff + g + units + j] = drPre;
                dhu[dhuOff + g + 2 * units + j] = dnPre * r;
                if (dhPrev != null) {
                    dhPrev[dhPrevOff + row * units + j] += d * z;
                }
            }
        }
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }
}
