package dev.kiln.engine.kernel;

/**
 * The one-dimensional vector loops behind {@link Arithmetic}, {@link Activations} and
 * {@link Reductions}. Arguments are already checked by those classes; implemented per width by
 * {@link VectorLoops}.
 */
interface Loops {
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    void scale(int n, float alpha, float[] x, int xOff);

    void add(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff);

    void addSum(int n, float[] a, int aOff, float[] b, int bOff, float[] y, int yOff);

    void multiply(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff);

    float sum(int n, float[] x, int xOff);

    void exp(int n, float[] x, int xOff, float[] out, int outOff);

    void sigmoid(int n, float[] x, int xOff, float[] out, int outOff);

    void tanh(int n, float[] x, int xOff, float[] out, int outOff);

    void relu(int n, float[] x, int xOff, float[] out, int outOff);

    void softplus(int n, float[] x, int xOff, float[] out, int outOff);

    void sigmoidBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff);

    void tanhBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff);

    void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff);
}
