package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * GRU and SimpleRNN over packed sequences as one autodiff operation: one direction, or both
 * directions of a Bidirectional at once, which then run as two tasks on the pool, as the LSTM's
 * do ({@link CellDirection} does the work). The directions' parts of the input gradient are
 * added forward first ({@link InputGradientSum}), so the result does not depend on the thread
 * count. When the values are rows of an embedding table and the context's {@link InputProjection}
 * says so, each direction works in table mode ({@link TableProjection}), as the LSTM's do.
 */
final class CellRecurrenceOps {
    private final OpContext context;

    CellRecurrenceOps(OpContext context) {
        this.context = context;
    }

    /**
     * One direction's weights and reading order. The bias is [gates x units] (SimpleRNN: added
     * once) or [2, gates x units] (GRU with reset_after: the input bias, then the recurrent one).
     */
    record Weights(RecurrentOps.Weights weights, boolean backwards) {
        Variable kernel() {
            return weights.kernel();
        }

        Variable recurrentKernel() {
            return weights.recurrentKernel();
        }

        Variable bias() {
            return weights.bias();
        }
    }

    /**
     * The directions over the same sequences, outputs side by side in the order given: [batch,
     * directions x units], or [tokens, directions x units] with {@code returnSequences}. The values
     * are only asked for on the per-token path ({@code rows}: their embedding table rows, or null).
     */
    Variable run(Function<Kernels, RecurrentCell> cells, Supplier<Variable> values, EmbeddingRows rows, int[] lengths, int[] offsets,
                 List<Weights> weights, boolean returnSequences) {
        RecurrentInput in = RecurrentInput.of("recurrent", context.projection(), values, rows);
        in.requireSequences("recurrent", lengths, offsets);
        Variable input = in.differentiated();
        int count = weights.size();
        Direction[] directions = new Direction[count];
        List<Variable> inputs = new ArrayList<>(List.of(input));
        for (int d = 0; d < count; d++) { // claims in a fixed order, before the directions run on two threads
            directions[d] = new Direction(cells.apply(context.kernels()), in, lengths, offsets, weights.get(d));
            if (directions[d].units != directions[0].units) {
                throw new IllegalArgumentException("recurrent: the directions have " + directions[0].units + " and "
                        + directions[d].units + " units");
            }
            inputs.addAll(List.of(weights.get(d).kernel(), weights.get(d).recurrentKernel(), weights.get(d).bias()));
        }
        int units = directions[0].units;
        int outWidth = count * units;
        SharedOutput output = new SharedOutput(returnSequences ? in.tokens() : lengths.length, outWidth);
        // Per-token state is kept only for a backward pass that will run.
        boolean training = weights.stream().anyMatch(w -> RecurrentOps.needsBackward(context, input, w.weights()));
        context.kernels().pool().parallelFor(count,
                d -> directions[d].forward(training, returnSequences, output, outWidth, d * units));
        Variable out = context.result(output.tensor(), "recurrent", inputs.toArray(Variable[]::new));
        context.onBackward(out, () -> {
            // Each direction fills a part of its own, and the parts are added in direction order.
            TimeMajorLayout[] layouts = new TimeMajorLayout[count];
            Arrays.setAll(layouts, d -> directions[d].work.layout());
            GradientRows dOut = GradientRows.of(out, context.kernels().arithmetic(), outWidth);
            InputGradientSum.afterDirections(context.kernels(), in, layouts, d -> directions[d].work.inputGradientPart(),
                    (dInput, d) -> directions[d].backward(dOut, d * units, returnSequences, dInput));
        });
        return out;
    }

    /** One direction: its shapes checked, its biases split, its gradients gathered into the weights'. */
    private final class Direction {
        final int units;
        private final int width;
        private final Weights weights;
        private final boolean twoBiases;
        private final float[] inputBias;
        private final float[] recurrentBias;
        private final CellDirection work;

        Direction(RecurrentCell cell, RecurrentInput in, int[] lengths, int[] offsets, Weights weights) {
            this.weights = weights;
            this.units = weights.recurrentKernel().shape().dim(0);
            this.width = cell.gates() * units;
            int features = in.features();
            weights.kernel().value().requireShape(Shape.of(features, width), "recurrent kernel");
            weights.recurrentKernel().value().requireShape(Shape.of(units, width), "recurrent recurrent_kernel");
            twoBiases = weights.bias().shape().rank() == 2;
            weights.bias().value().requireShape(twoBiases ? Shape.of(2, width) : Shape.of(width), "recurrent bias");
            float[] biases = weights.bias().data();
            inputBias = Arrays.copyOfRange(biases, 0, width);
            recurrentBias = twoBiases ? Arrays.copyOfRange(biases, width, 2 * width) : null;
            work = new CellDirection(context.kernels(), context.buffers().claim(), cell, in, lengths, offsets,
                    weights.kernel().data(), weights.recurrentKernel().data(), units, weights.backwards());
        }

        /** The forward pass, keeping what backward needs only if {@code keepState}. */
        void forward(boolean keepState, boolean returnSequences, SharedOutput out, int outWidth, int column) {
            if (keepState) {
                work.forward(inputBias, recurrentBias, returnSequences, out, outWidth, column);
            } else {
                work.forwardOnly(inputBias, recurrentBias, returnSequences, out, outWidth, column);
            }
        }

        void backward(GradientRows dOut, int column, boolean returnSequences, float[] dInput) {
            Variable bias = weights.bias();
            float[] dInputBias = bias.requiresGrad() ? work.zeroedBuffer(width) : null;
            float[] dRecurrentBias = dInputBias != null && twoBiases ? work.zeroedBuffer(width) : null;
            work.backward(dOut, column, returnSequences, gradOrNull(weights.kernel()),
                    gradOrNull(weights.recurrentKernel()), dInputBias, dRecurrentBias, dInput);
            if (dInputBias != null) {
                float[] total = bias.gradData();
                context.kernels().arithmetic().axpy(width, 1f, dInputBias, 0, total, 0);
                if (twoBiases) {
                    context.kernels().arithmetic().axpy(width, 1f, dRecurrentBias, 0, total, width);
                }
            }
        }
    }

    private static float[] gradOrNull(Variable variable) {
        return variable.requiresGrad() ? variable.gradData() : null;
    }
}
