package dev.kiln.engine.autodiff;

import dev.kiln.engine.tensor.Tensor;

/** Standardizing each row (the core of layer normalization), with its backward rule beside it. */
final class NormalizationOps {
    private final OpContext context;

    NormalizationOps(OpContext context) {
        this.context = context;
    }

    /**
     * Each row of [rows, features] as (x - mean) / sqrt(variance + epsilon), the mean and the
     * (biased) variance over the row, in double precision and rounded once. Backward, with
     * x^ the output and s = 1 / sqrt(variance + epsilon): dx = s (dy - mean(dy) - x^ mean(dy x^)).
     * Only each row's mean and s are kept for it (x^ is recomputed from x in double precision),
     * so a pass over many tokens holds two numbers per token, not a copy of the values.
     */
    Variable normalizeRows(Variable x, double epsilon) {
        OpContext.requireRank("normalize rows", x, 2);
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("normalize rows: epsilon must be a positive number, got " + epsilon);
        }
        int rows = x.shape().dim(0);
        int features = x.shape().dim(1);
        float[] in = x.data();
        Tensor value = Tensor.zeros(x.shape());
        float[] out = value.data();
        double[] means = new double[rows];
        double[] inverseDeviation = new double[rows];
        for (int r = 0; r < rows; r++) {
            int start = r * features;
            double sum = 0;
            for (int j = 0; j < features; j++) {
                sum += in[start + j];
            }
            double mean = sum / features;
            means[r] = mean;
            double squares = 0;
            for (int j = 0; j < features; j++) {
                double centered = in[start + j] - mean;
                squares += centered * centered;
            }
            inverseDeviation[r] = 1 / Math.sqrt(squares / features + epsilon);
            for (int j = 0; j < features; j++) {
                out[start + j] = (float) ((in[start + j] - mean) * inverseDeviation[r]);
            }
        }
        Variable result = context.result(value, "normalize rows", x);
        context.onBackward(result, () -> {
            float[] dy = result.gradData();
            float[] dx = x.gradData();
            for (int r = 0; r < rows; r++) {
                int start = r * features;
                double gradientSum = 0;
                double projection = 0;
                for (int j = 0; j < features; j++) {
                    gradientSum += dy[start + j];
                    projection += dy[start + j] * (in[start + j] - means[r]) * inverseDeviation[r];
                }
                double meanGradient = gradientSum / features;
                double meanProjection = projection / features;
                for (int j = 0; j < features; j++) {
                    double normalized = (in[start + j] - means[r]) * inverseDeviation[r];
                    dx[start + j] += (float) (inverseDeviation[r] * (dy[start + j] - meanGradient - normalized * meanProjection));
                }
            }
        });
        return result;
    }
}
