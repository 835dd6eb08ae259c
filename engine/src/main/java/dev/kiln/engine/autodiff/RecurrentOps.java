package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

/**
 * The fused LSTM operations: one direction ({@link #lstm}) or both at once
 * ({@link #bidirectional}), each a single autodiff operation over whole sequences
 * ({@link LstmDirection} does the work). The two directions of a bidirectional LSTM are
 * independent, so they run as two tasks on the pool, forward and backward; each writes its own
 * input gradient, and the two are added in a fixed order, so the result does not depend on the
 * thread count.
 */
final class RecurrentOps {
    private final OpContext context;

    RecurrentOps(OpContext context) {
        this.context = context;
    }

    /** The weights of one direction. */
    record Weights(Variable kernel, Variable recurrentKernel, Variable bias) {}

    Variable lstm(Variable values, int[] lengths, int[] offsets, Weights weights, boolean backwards,
                  boolean returnSequences) {
        int units = checkArguments(values, lengths, offsets, weights);
        LstmDirection direction = newDirection(values, lengths, offsets, weights, units, backwards);
        Tensor output = Tensor.zeros(returnSequences ? values.shape().dim(0) : lengths.length, units);
        boolean training = needsBackward(values, weights);
        if (training) {
            direction.forward(weights.bias().data(), returnSequences, output.data(), units, 0);
        } else {
            direction.forwardOnly(weights.bias().data(), returnSequences, output.data(), units, 0);
        }
        Variable out = context.result(output, "lstm", values, weights.kernel(), weights.recurrentKernel(), weights.bias());
        context.onBackward(out, () -> direction.backward(out.gradData(), units, 0, returnSequences,
                gradOrNull(weights.kernel()), gradOrNull(weights.recurrentKernel()), gradOrNull(weights.bias()),
                gradOrNull(values)));
        return out;
    }

    /** Forward and backward LSTMs over the same sequences, outputs concatenated (forward first). */
    Variable bidirectional(Variable values, int[] lengths, int[] offsets, Weights forwardWeights, Weights backwardWeights,
                           boolean returnSequences) {
        int units = checkArguments(values, lengths, offsets, forwardWeights);
        if (checkArguments(values, lengths, offsets, backwardWeights) != units) {
            throw new IllegalArgumentException("bidirectional lstm: the two directions have different units");
        }
        Kernels kernels = context.kernels();
        LstmDirection[] directions = {
                newDirection(values, lengths, offsets, forwardWeights, units, false),
                newDirection(values, lengths, offsets, backwardWeights, units, true)};
        Weights[] weights = {forwardWeights, backwardWeights};
        int outWidth = 2 * units;
        Tensor output = Tensor.zeros(returnSequences ? values.shape().dim(0) : lengths.length, outWidth);
        boolean training = needsBackward(values, forwardWeights) || needsBackward(values, backwardWeights);
        kernels.pool().parallelFor(2, d -> {
            if (training) {
                directions[d].forward(weights[d].bias().data(), returnSequences, output.data(), outWidth, d * units);
            } else {
                directions[d].forwardOnly(weights[d].bias().data(), returnSequences, output.data(), outWidth, d * units);
            }
        });
        Variable out = context.result(output, "bidirectional_lstm", values, forwardWeights.kernel(),
                forwardWeights.recurrentKernel(), forwardWeights.bias(), backwardWeights.kernel(),
                backwardWeights.recurrentKernel(), backwardWeights.bias());
        context.onBackward(out, () -> {
            float[][] dValues = new float[2][];
            kernels.pool().parallelFor(2, d -> {
                dValues[d] = values.requiresGrad() ? new float[values.value().size()] : null;
                directions[d].backward(out.gradData(), outWidth, d * units, returnSequences,
                        gradOrNull(weights[d].kernel()), gradOrNull(weights[d].recurrentKernel()),
                        gradOrNull(weights[d].bias()), dValues[d]);
            });
            if (values.requiresGrad()) {
                float[] total = values.gradData();
                for (float[] part : dValues) { // forward direction first, always
                    kernels.arithmetic().axpy(total.length, 1f, part, 0, total, 0);
                }
            }
        });
        return out;
    }

    private LstmDirection newDirection(Variable values, int[] lengths, int[] offsets, Weights weights, int units,
                                       boolean backwards) {
        return new LstmDirection(context.kernels(), values.data(), values.shape().dim(1), lengths, offsets,
                weights.kernel().data(), weights.recurrentKernel().data(), units, backwards);
    }

    /** Whether this call's backward pass will run: the tape records and some input takes a gradient. */
    private boolean needsBackward(Variable values, Weights weights) {
        return context.tape().isRecording() && (values.requiresGrad() || weights.kernel().requiresGrad()
                || weights.recurrentKernel().requiresGrad() || weights.bias().requiresGrad());
    }

    private static float[] gradOrNull(Variable variable) {
        return variable.requiresGrad() ? variable.gradData() : null;
    }

    /** Checks shapes and ranges; returns the number of units. */
    private static int checkArguments(Variable values, int[] lengths, int[] offsets, Weights weights) {
        OpContext.requireRank("lstm", values, 2);
        int features = values.shape().dim(1);
        int units = weights.recurrentKernel().shape().dim(0);
        int width = 4 * units;
        weights.kernel().value().requireShape(Shape.of(features, width), "lstm kernel");
        weights.recurrentKernel().value().requireShape(Shape.of(units, width), "lstm recurrent kernel");
        weights.bias().value().requireShape(Shape.of(width), "lstm bias");
        if (lengths.length != offsets.length) {
            throw new IllegalArgumentException("lstm: " + lengths.length + " lengths but " + offsets.length + " offsets");
        }
        int total = values.shape().dim(0);
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] < 0 || offsets[s] < 0 || offsets[s] + lengths[s] > total) {
                throw new IllegalArgumentException("lstm: sequence " + s + " (offset " + offsets[s] + ", length "
                        + lengths[s] + ") lies outside the " + total + " rows of values");
            }
        }
        return units;
    }
}
