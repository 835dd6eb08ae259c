package dev.kiln.engine.optim;

import dev.kiln.engine.autodiff.Variable;

import java.util.List;

/** Plain gradient descent: w -= lr * g. */
public final class Sgd implements Optimizer {
    private final float learningRate;
    private long iterations;

    public Sgd(float learningRate) {
        if (!(learningRate > 0 && Float.isFinite(learningRate))) {
            throw new IllegalArgumentException("Sgd: learning rate must be > 0, got " + learningRate);
        }
        this.learningRate = learningRate;
    }

    @Override
    public void step(List<Variable> parameters) {
        for (Variable parameter : parameters) {
            float[] w = parameter.data();
            float[] g = parameter.grad().data();
            for (int i = 0; i < w.length; i++) {
                w[i] -= learningRate * g[i];
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

    /** Restores a saved step count (plain SGD has no other state). */
    public Sgd restore(long savedIterations) {
        if (savedIterations < 0) {
            throw new IllegalArgumentException("Sgd: iterations must be >= 0, got " + savedIterations);
        }
        iterations = savedIterations;
        return this;
    }
}
