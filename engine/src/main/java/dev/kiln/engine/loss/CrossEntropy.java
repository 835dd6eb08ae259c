package dev.kiln.engine.loss;

import java.util.function.IntToDoubleFunction;

/**
 * -sum_j t_j log p_j over one example's classes, the body of the categorical cross-entropies
 * (the sparse one's target is one-hot). From logits, p = softmax(x) through a stable log-sum-exp;
 * from probabilities, Keras 3's way: the row divided by its sum, clipped to [1e-7, 1 - 1e-7].
 */
final class CrossEntropy {
    private CrossEntropy() {}

    /** The loss, with d loss / d x_k written to {@code gradient}. */
    static double of(boolean fromLogits, float[] x, int offset, int width, IntToDoubleFunction target, float[] gradient,
                     int gradientOffset) {
        return fromLogits ? fromLogits(x, offset, width, target, gradient, gradientOffset)
                : fromProbabilities(x, offset, width, target, gradient, gradientOffset);
    }

    private static double fromLogits(float[] x, int offset, int width, IntToDoubleFunction target, float[] gradient,
                                     int gradientOffset) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < width; j++) {
            max = Math.max(max, x[offset + j]);
        }
        double sum = 0;
        for (int j = 0; j < width; j++) {
            sum += Math.exp(x[offset + j] - max);
        }
        double logSumExp = max + Math.log(sum);
        double targetSum = 0;
        double loss = 0;
        for (int j = 0; j < width; j++) {
            double t = target.applyAsDouble(j);
            targetSum += t;
            loss += t * (logSumExp - x[offset + j]);
        }
        for (int j = 0; j < width; j++) {
            double softmax = Math.exp(x[offset + j] - logSumExp);
            gradient[gradientOffset + j] = (float) (softmax * targetSum - target.applyAsDouble(j));
        }
        return loss;
    }

    private static double fromProbabilities(float[] x, int offset, int width, IntToDoubleFunction target, float[] gradient,
                                            int gradientOffset) {
        double rowSum = 0;
        for (int j = 0; j < width; j++) {
            rowSum += x[offset + j];
        }
        double loss = 0;
        double weighted = 0; // sum_j g_j p_j, where g_j = d loss / d p_j
        double[] g = new double[width];
        for (int j = 0; j < width; j++) {
            double p = x[offset + j] / rowSum;
            double clipped = Math.min(Math.max(p, BinaryCrossentropy.LOWEST), BinaryCrossentropy.HIGHEST);
            double t = target.applyAsDouble(j);
            loss -= t * Math.log(clipped);
            g[j] = p == clipped ? -t / clipped : 0;
            weighted += g[j] * p;
        }
        for (int j = 0; j < width; j++) {
            gradient[gradientOffset + j] = (float) ((g[j] - weighted) / rowSum);
        }
        return loss;
    }
}
