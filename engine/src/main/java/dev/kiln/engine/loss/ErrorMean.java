package dev.kiln.engine.loss;

import java.util.function.DoubleUnaryOperator;

/** The mean over an example's outputs of f(output - target), the body of the regression losses. */
final class ErrorMean {
    private ErrorMean() {}

    /** The mean of {@code f} over the errors, with d/dx of it (f' / width) written to {@code gradient}. */
    static double of(float[] x, int offset, int width, float[] targets, int targetOffset, float[] gradient, int gradientOffset,
                     DoubleUnaryOperator f, DoubleUnaryOperator derivative) {
        double total = 0;
        for (int j = 0; j < width; j++) {
            double target = targets[targetOffset + j];
            if (Double.isNaN(target)) {
                throw new IllegalArgumentException("the target is NaN");
            }
            double error = (double) x[offset + j] - target;
            total += f.applyAsDouble(error);
            gradient[gradientOffset + j] = (float) (derivative.applyAsDouble(error) / width);
        }
        return total / width;
    }
}
