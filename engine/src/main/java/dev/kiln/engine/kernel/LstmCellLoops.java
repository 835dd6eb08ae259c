package dev.kiln.engine.kernel;

/** The vectorized LSTM cell loops behind {@link LstmCell}; implemented per width by {@link VectorLstmCellLoops}. */
interface LstmCellLoops {
    void forward(int rows, int units, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                 float[] c, int cOff, float[] tanhC, int tanhCOff, float[] h, int hOff);

    void backward(int rows, int units, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
                  float[] tanhC, int tanhCOff, float[] dh, int dhOff, float[] dc, int dcOff, float[] dz, int dzOff);
}
