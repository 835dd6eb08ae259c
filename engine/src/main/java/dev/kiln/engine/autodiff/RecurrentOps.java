package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.tensor.Shape;

import java.util.function.Supplier;

/**
 * The fused LSTM operations: one direction ({@link #lstm}) or both at once
 * ({@link #bidirectional}), each a single autodiff operation over whole sequences
 * ({@link LstmDirection} does the work). The two directions of a bidirectional LSTM are
 * independent, so they run as two tasks on the pool, forward and backward; each writes its own
 * part of the input gradient, and the parts are added in a fixed order ({@link InputGradientSum}),
 * so the result does not depend on the thread count. When the values are rows of an embedding
 * table and the context's {@link InputProjection} says so, each direction works in table mode
 * (see {@link LstmDirection}).
 */
final class RecurrentOps {
    private final OpContext context;

    RecurrentOps(OpContext context) {
        this.context = context;
    }

    /** The weights of one direction. */
    record Weights(Variable kernel, Variable recurrentKernel, Variable bias) {}

    /**
     * {@code values} is only asked for on the per-token path: in table mode the token vectors are
     * never needed, so an Embedding need not gather them.
     */
    Variable lstm(Supplier<Variable> values, EmbeddingRows rows, int[] lengths, int[] offsets, Weights weights,
                  boolean backwards, boolean returnSequences) {
        RecurrentInput in = RecurrentInput.of("lstm", context.projection(), values, rows);
        int units = checkArguments(in, lengths, offsets, weights);
        LstmDirection direction = newDirection(in, lengths, offsets, weights, units, backwards);
        Variable input = in.differentiated();
        SharedOutput output = new SharedOutput(returnSequences ? in.tokens() : lengths.length, units);
        boolean training = needsBackward(context, input, weights);
        long began = context.phases().start();
        if (training) {
            direction.forward(weights.bias().data(), returnSequences, output, units, 0);
        } else {
            direction.forwardOnly(weights.bias().data(), returnSequences, output, units, 0);
        }
        StepPhases.LstmLayer shape = new StepPhases.LstmLayer(false, in.features(), units);
        context.phases().stopLstm(shape, false, began);
        Variable out = context.result(output.tensor(), "lstm", input, weights.kernel(), weights.recurrentKernel(), weights.bias());
        context.onBackward(out, () -> {
            long backwardBegan = context.phases().start();
            GradientRows dOut = GradientRows.of(out, context.kernels().arithmetic(), units);
            InputGradientSum.afterDirections(context.kernels(), in, new TimeMajorLayout[] {direction.layout()},
                    d -> direction.inputGradientPart(),
                    (dInput, d) -> direction.backward(dOut, 0, returnSequences, gradOrNull(weights.kernel()),
                            gradOrNull(weights.recurrentKernel()), gradOrNull(weights.bias()), dInput));
            context.phases().stopLstm(shape, true, backwardBegan);
        });
        return out;
    }

    /** Forward and backward LSTMs over the same sequences, outputs concatenated (forward first). */
    Variable bidirectional(Supplier<Variable> values, EmbeddingRows rows, int[] lengths, int[] offsets, Weights forwardWeights,
                           Weights backwardWeights, boolean returnSequences) {
        RecurrentInput in = RecurrentInput.of("bidirectional lstm", context.projection(), values, rows);
        int units = checkArguments(in, lengths, offsets, forwardWeights);
        if (checkArguments(in, lengths, offsets, backwardWeights) != units) {
            throw new IllegalArgumentException("bidirectional lstm: the two directions have different units");
        }
        Kernels kernels = context.kernels();
        Variable input = in.differentiated();
        // Claimed here, in a fixed order, before the directions run on two threads.
        LstmDirection[] directions = {
                newDirection(in, lengths, offsets, forwardWeights, units, false),
                newDirection(in, lengths, offsets, backwardWeights, units, true)};
        Weights[] weights = {forwardWeights, backwardWeights};
        int outWidth = 2 * units;
        SharedOutput output = new SharedOutput(returnSequences ? in.tokens() : lengths.length, outWidth);
        boolean training = needsBackward(context, input, forwardWeights) || needsBackward(context, input, backwardWeights);
        long began = context.phases().start();
        kernels.pool().parallelFor(2, d -> {
            if (training) {
                directions[d].forward(weights[d].bias().data(), returnSequences, output, outWidth, d * units);
            } else {
                directions[d].forwardOnly(weights[d].bias().data(), returnSequences, output, outWidth, d * units);
            }
        });
        StepPhases.LstmLayer shape = new StepPhases.LstmLayer(true, in.features(), units);
        context.phases().stopLstm(shape, false, began);
        Variable out = context.result(output.tensor(), "bidirectional_lstm", input, forwardWeights.kernel(),
                forwardWeights.recurrentKernel(), forwardWeights.bias(), backwardWeights.kernel(),
                backwardWeights.recurrentKernel(), backwardWeights.bias());
        context.onBackward(out, () -> {
            long backwardBegan = context.phases().start();
            GradientRows dOut = GradientRows.of(out, kernels.arithmetic(), outWidth);
            // Each direction fills a part of its own, and the parts are added in direction order.
            InputGradientSum.afterDirections(kernels, in, new TimeMajorLayout[] {directions[0].layout(), directions[1].layout()},
                    d -> directions[d].inputGradientPart(),
                    (dInput, d) -> directions[d].backward(dOut, d * units, returnSequences,
                            gradOrNull(weights[d].kernel()), gradOrNull(weights[d].recurrentKernel()),
                            gradOrNull(weights[d].bias()), dInput));
            context.phases().stopLstm(shape, true, backwardBegan);
        });
        return out;
    }

    private LstmDirection newDirection(RecurrentInput in, int[] lengths, int[] offsets, Weights weights, int units,
                                       boolean backwards) {
        return new LstmDirection(context.kernels(), context.buffers().claim(), context.phases(), in, lengths, offsets,
                weights.kernel().data(), weights.recurrentKernel().data(), units, backwards);
    }

    /** Whether a recurrent call's backward pass will run: the tape records and some input takes a gradient. */
    static boolean needsBackward(OpContext context, Variable input, Weights weights) {
        return context.tape().isRecording() && (input.requiresGrad() || weights.kernel().requiresGrad()
                || weights.recurrentKernel().requiresGrad() || weights.bias().requiresGrad());
    }

    private static float[] gradOrNull(Variable variable) {
        return variable.requiresGrad() ? variable.gradData() : null;
    }

    /** Checks shapes and ranges; returns the number of units. */
    private static int checkArguments(RecurrentInput in, int[] lengths, int[] offsets, Weights weights) {
        int features = in.features();
        int units = weights.recurrentKernel().shape().dim(0);
        int width = 4 * units;
        weights.kernel().value().requireShape(Shape.of(features, width), "lstm kernel");
        weights.recurrentKernel().value().requireShape(Shape.of(units, width), "lstm recurrent kernel");
        weights.bias().value().requireShape(Shape.of(width), "lstm bias");
        in.requireSequences("lstm", lengths, offsets);
        return units;
    }
}
