package dev.kiln.engine.optim;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartRegistry;

import java.util.List;

/**
 * Adam as Keras computes it, in float32, with the "epsilon hat" form: with t the 1-based step,
 * alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t); m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2);
 * w -= alpha * m / (sqrt(v) + epsilon). Epsilon is added to the uncorrected sqrt(v). With amsgrad,
 * v is replaced by its running maximum vhat in the denominator. Every parameter is updated
 * densely, including embedding rows that got no gradient this step. Slots: m, v (and vhat).
 */
public final class Adam implements SteppedOptimizer {
    /** The Keras class name: the type of this optimizer's config and its registry key. */
    public static final String TYPE = "Adam";

    private final double beta1; // as configured: saved and reloaded exactly
    private final double beta2;
    /** 1 - beta1 and 1 - beta2 as Keras 3 computes them: in double, then rounded (not 1 - (float) beta). */
    private final float keep1;
    private final float keep2;
    private final float epsilon;
    private final boolean amsgrad;
    private final OptimizerSteps steps;

    /**
     * Keras' Adam(learning_rate, beta_1, beta_2, epsilon, amsgrad) with the common options; betas in [0, 1),
     * epsilon at least 0.
     */
    public Adam(LearningRateSchedule learningRate, double beta1, double beta2, double epsilon, boolean amsgrad,
                OptimizerOptions options) {
        require(beta1 >= 0 && beta1 < 1, "beta_1 must be in [0, 1), got " + beta1);
        require(beta2 >= 0 && beta2 < 1, "beta_2 must be in [0, 1), got " + beta2);
        require(epsilon >= 0, "epsilon must be >= 0, got " + epsilon);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.keep1 = (float) (1 - beta1);
        this.keep2 = (float) (1 - beta2);
        this.epsilon = (float) epsilon;
        this.amsgrad = amsgrad;
        this.steps = new OptimizerSteps(learningRate, options, amsgrad ? List.of("m", "v", "vhat") : List.of("m", "v"));
    }

    /** Keras' defaults: beta_1 0.9, beta_2 0.999, epsilon 1e-7, no amsgrad, clipping or weight decay. */
    public Adam(double learningRate) {
        this(LearningRateSchedule.constant(learningRate), 0.9, 0.999, 1e-7, false, OptimizerOptions.named("adam"));
    }

    /**
     * The optimizer its config describes, its learning-rate schedule rebuilt through {@code schedules}; an
     * unknown key or a bad value is an error naming it.
     */
    public static Adam fromConfig(PartConfig config, PartRegistry<LearningRateSchedule> schedules) {
        config.requireOnly(keys(List.of("beta_1", "beta_2", "epsilon", "amsgrad")));
        return new Adam(OptimizerSteps.learningRate(config, 0.001, schedules), config.getDouble("beta_1", 0.9, 0, 1),
                config.getDouble("beta_2", 0.999, 0, 1), config.getDouble("epsilon", 1e-7, 0, Double.MAX_VALUE),
                config.getBoolean("amsgrad", false), OptimizerOptions.fromConfig(config, "adam", 0));
    }

    /** The keys every optimizer config has, plus {@code own}. */
    static List<String> keys(List<String> own) {
        return java.util.stream.Stream.concat(OptimizerOptions.KEYS.stream(), own.stream()).toList();
    }

    @Override
    public PartConfig config() {
        return config(TYPE);
    }

    /** The config under {@code type} (AdamW saves the same keys under its own name). */
    PartConfig config(String type) {
        return steps.options().config(type, steps.schedule()).put("beta_1", beta1).put("beta_2", beta2)
                .put("epsilon", (double) epsilon).put("amsgrad", amsgrad).build();
    }

    @Override
    public OptimizerSteps steps() {
        return steps;
    }

    @Override
    public void update(float[] w, float[] g, float[][] slots, float learningRate, long t) {
        float[] m = slots[0];
        float[] v = slots[1];
        float[] denominator = amsgrad ? slots[2] : v;
        // beta^t of the float32 betas, as Keras casts them to the variable's dtype
        float alpha = (float) (learningRate * Math.sqrt(1 - Math.pow((float) beta2, t)) / (1 - Math.pow((float) beta1, t)));
        for (int i = 0; i < w.length; i++) {
            m[i] += (g[i] - m[i]) * keep1;
            v[i] += (g[i] * g[i] - v[i]) * keep2;
            if (amsgrad) {
                denominator[i] = Math.max(denominator[i], v[i]);
            }
            w[i] -= alpha * m[i] / ((float) Math.sqrt(denominator[i]) + epsilon);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("Adam: " + message);
        }
    }
}
