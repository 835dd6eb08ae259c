package dev.kiln.engine.optim;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam as Keras computes it, in float32, with the "epsilon hat" form: with t = iterations + 1,
 * alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t); m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2);
 * w -= alpha * m / (sqrt(v) + epsilon). Epsilon is added to the uncorrected sqrt(v). Every
 * parameter is updated densely, including embedding rows that got no gradient this step.
 */
public final class Adam implements Optimizer {
    private final float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final List<Tensor> moments = new ArrayList<>();
    private final List<Tensor> velocities = new ArrayList<>();
    private long iterations;

    public Adam(float learningRate, float beta1, float beta2, float epsilon) {
        require(learningRate > 0 && Float.isFinite(learningRate), "learning rate must be > 0, got " + learningRate);
        require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got " + beta1);
        require(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got " + beta2);
        require(epsilon >= 0, "epsilon must be >= 0, got " + epsilon);
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /** Keras' defaults: beta1 0.9, beta2 0.999, epsilon 1e-7. */
    public Adam(float learningRate) {
        this(learningRate, 0.9f, 0.999f, 1e-7f);
    }

    @Override
    public void step(List<Variable> parameters) {
        if (moments.isEmpty()) {
            for (Variable parameter : parameters) {
                moments.add(Tensor.zeros(parameter.shape()));
                velocities.add(Tensor.zeros(parameter.shape()));
            }
        } else if (moments.size() != parameters.size()) {
            throw new IllegalArgumentException("Adam was built for " + moments.size() + " parameters, got " + parameters.size());
        }
        float t = iterations + 1;
        float alpha = (float) (learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        for (int p = 0; p < parameters.size(); p++) {
            Variable parameter = parameters.get(p);
            moments.get(p).requireShape(parameter.shape(), "Adam moment of " + parameter.name());
            float[] w = parameter.data();
            float[] g = parameter.grad().data();
            float[] m = moments.get(p).data();
            float[] v = velocities.get(p).data();
            for (int i = 0; i < w.length; i++) {
                m[i] += (g[i] - m[i]) * (1 - beta1);
                v[i] += (g[i] * g[i] - v[i]) * (1 - beta2);
                w[i] -= alpha * m[i] / ((float) Math.sqrt(v[i]) + epsilon);
            }
            parameter.zeroGrad();
        }
        iterations++;
    }

    @Override
    public long iterations() {
        return iterations;
    }

    @Override
    public float learningRate() {
        return learningRate;
    }

    public float beta1() {
        return beta1;
    }

    public float beta2() {
        return beta2;
    }

    public float epsilon() {
        return epsilon;
    }

    /** Restores a saved state: the step count and the moments, one pair per parameter in step order. */
    public void restore(long savedIterations, List<Tensor> savedMoments, List<Tensor> savedVelocities) {
        if (savedIterations < 0 || savedMoments.size() != savedVelocities.size()) {
            throw new IllegalArgumentException("Adam state: " + savedIterations + " iterations, " + savedMoments.size()
                    + " moments and " + savedVelocities.size() + " velocities");
        }
        moments.clear();
        velocities.clear();
        for (int p = 0; p < savedMoments.size(); p++) {
            moments.add(savedMoments.get(p).copy());
            velocities.add(savedVelocities.get(p).copy());
        }
        iterations = savedIterations;
    }

    /** The first-moment estimates, one per parameter in step order (empty before the first step). */
    public List<Tensor> moments() {
        return moments;
    }

    /** The second-moment estimates, one per parameter in step order. */
    public List<Tensor> velocities() {
        return velocities;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("Adam: " + message);
        }
    }
}
