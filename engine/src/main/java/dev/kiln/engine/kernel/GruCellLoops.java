package dev.kiln.engine.kernel;

/** The vectorized GRU cell loops behind {@link GruCell}; implemented per width by {@link VectorGruCellLoops}. */
interface GruCellLoops {
    void forward(int rows, int units, float[] xw, int xwOff, float[] hu, int huOff, float[] hPrev, int hPrevOff, float[] h,
                 int hOff, float[] saved, int savedOff);

    void backward(int rows, int units, float[] dh, int dhOff, float[] hPrev, int hPrevOff, float[] hu, int huOff, float[] saved,
                  int savedOff, float[] dxw, int dxwOff, float[] dhu, int dhuOff, float[] dhPrev, int dhPrevOff);
}
