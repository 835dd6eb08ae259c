package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Kernels;

import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;

/**
 * The differentiable operations, bound to the kernels they compute with and the tape they record
 * on. Layers build their forward pass from these; each operation's backward rule sits beside
 * its forward code in one of the op families (linear, element-wise, structure, reductions,
 * sequence pooling, normalization, convolution, window pooling).
 */
public final class Ops {
    private final Tape tape;
    private final Map<Variable, Variable> bindings;
    private final Kernels kernels;
    private final LinearOps linear;
    private final ElementwiseOps elementwise;
    private final StructureOps structure;
    private final ReductionOps reductions;
    private final RecurrentOps recurrent;
    private final CellRecurrenceOps cells;
    private final SequenceOps sequences;
    private final NormalizationOps normalization;
    private final ConvolutionOps convolution;
    private final PoolingOps pooling;

    /** Ops that record on {@code tape} and compute with {@code kernels}, parameters unbound. */
    public Ops(Kernels kernels, Tape tape) {
        this(kernels, tape, Map.of());
    }

    /**
     * Ops whose {@link #bind} replaces each parameter by its entry in {@code bindings}: a shard of
     * a batch works on views of the parameters that share their values but collect their own
     * gradients, so shards can run in parallel and their gradients be summed in a fixed order.
     */
    public Ops(Kernels kernels, Tape tape, Map<Variable, Variable> bindings) {
        this(kernels, tape, bindings, InputProjection.AUTO);
    }

    /** As above, with {@code projection} deciding how an LSTM fed by an Embedding projects its inputs. */
    public Ops(Kernels kernels, Tape tape, Map<Variable, Variable> bindings, InputProjection projection) {
        this(kernels, tape, bindings, projection, StepBuffers.none(), StepPhases.off());
    }

    /**
     * As above, with the step's working arrays taken from {@code buffers} (reused across steps)
     * and the LSTM's phases timed by {@code phases}.
     */
    public Ops(Kernels kernels, Tape tape, Map<Variable, Variable> bindings, InputProjection projection, StepBuffers buffers,
               StepPhases phases) {
        this(kernels, tape, bindings, projection, buffers, phases, StepNoise.none());
    }

    /** As above, with {@code noise} keying the random numbers of this shard of a training step (dropout). */
    public Ops(Kernels kernels, Tape tape, Map<Variable, Variable> bindings, InputProjection projection, StepBuffers buffers,
               StepPhases phases, StepNoise noise) {
        OpContext context = new OpContext(kernels, tape, projection, buffers, phases, noise);
        this.bindings = bindings;
        this.tape = tape;
        this.kernels = kernels;
        this.linear = new LinearOps(context);
        this.elementwise = new ElementwiseOps(context);
        this.structure = new StructureOps(context);
        this.reductions = new ReductionOps(context);
        this.recurrent = new RecurrentOps(context);
        this.cells = new CellRecurrenceOps(context);
        this.sequences = new SequenceOps(context);
        this.normalization = new NormalizationOps(context);
        this.convolution = new ConvolutionOps(context);
        this.pooling = new PoolingOps(context);
    }

    /** The variable a layer should use for its parameter: the parameter itself unless bound. */
    public Variable bind(Variable parameter) {
        return bindings.getOrDefault(parameter, parameter);
    }

    /** The tape these operations record on. */
    public Tape tape() {
        return tape;
    }

    /** The kernels these operations compute with. */
    public Kernels kernels() {
        return kernels;
    }

    /** [m, k] x [k, n] -> [m, n]. */
    public Variable matmul(Variable a, Variable b) {
        return linear.matmul(a, b);
    }

    /**
     * a + b: either the same shape, or b a row [f] broadcast over every row of a [..., f]
     * (the bias add). Anything else is an error naming both shapes.
     */
    public Variable add(Variable a, Variable b) {
        if (!a.shape().equals(b.shape()) && b.shape().rank() == 1 && a.shape().rank() >= 1
                && b.shape().dim(0) == a.shape().lastDim()) {
            return linear.addBias(a, b);
        }
        return elementwise.add(a, b);
    }

    /** a - b, of the same shape. */
    public Variable subtract(Variable a, Variable b) {
        return elementwise.subtract(a, b);
    }

    /**
     * a * b: element by element of the same shape, or b a row [f] multiplying every row of a
     * [..., f] feature by feature (a per-feature scale). Anything else is an error naming both shapes.
     */
    public Variable multiply(Variable a, Variable b) {
        if (!a.shape().equals(b.shape()) && b.shape().rank() == 1 && a.shape().rank() >= 1
                && b.shape().dim(0) == a.shape().lastDim()) {
            return linear.scaleColumns(a, b);
        }
        return elementwise.multiply(a, b);
    }

    /** 1 / (1 + e^-x), element by element. */
    public Variable sigmoid(Variable x) {
        return elementwise.sigmoid(x);
    }

    /** tanh(x), element by element. */
    public Variable tanh(Variable x) {
        return elementwise.tanh(x);
    }

    /** max(x, 0), element by element (no gradient at 0). */
    public Variable relu(Variable x) {
        return elementwise.relu(x);
    }

    /** y = f(x) element-wise with its derivative (scalar, double precision): for the less common activations. */
    public Variable map(Variable x, String operation, DoubleUnaryOperator f, DoubleUnaryOperator derivative) {
        return elementwise.map(x, operation, f, derivative);
    }

    /**
     * Inverted dropout while training (the tape records): each element is kept with probability
     * 1 - rate and scaled by 1 / (1 - rate), else zeroed; otherwise the identity. Row r of x belongs
     * to example {@code rowExample[r]} of the shard at position {@code rowPosition[r]} of its
     * sequence (0 for one vector per example); with {@code perChannel} one draw covers a channel
     * at every position of an example (SpatialDropout1D). Draws come from CounterRandom keyed by
     * (seed, step, example index in the batch, element).
     */
    public Variable dropout(Variable x, float rate, long seed, int[] rowExample, int[] rowPosition, boolean perChannel) {
        return elementwise.dropout(x, rate, seed, rowExample, rowPosition, perChannel);
    }

    /** Whether this pass trains (dropout is active only then). */
    public boolean training() {
        return tape.isRecording();
    }

    /** Softmax over each row of [rows, width]. */
    public Variable softmax(Variable x) {
        return elementwise.softmax(x, false);
    }

    /** The logarithm of the softmax over each row, computed stably. */
    public Variable logSoftmax(Variable x) {
        return elementwise.softmax(x, true);
    }

    /** The parts joined along their last axis; all other dimensions must agree. */
    public Variable concat(List<Variable> parts) {
        return structure.concat(parts);
    }

    /** x[..., from:to] along the last axis. */
    public Variable slice(Variable x, int from, int to) {
        return structure.slice(x, from, to);
    }

    /**
     * Rows of {@code table} [rows, features] picked by {@code ids}: [ids.length, features]; a row picked twice
     * gets both gradients.
     */
    public Variable gather(Variable table, int[] ids) {
        return structure.gather(table, ids);
    }

    /**
     * The fused LSTM over packed sequences ({@code values} [tokens, features], sequence s at rows
     * offsets[s] .. offsets[s]+lengths[s]): final h [batch, units], or with returnSequences the h
     * after every token [tokens, units]. See {@link RecurrentOps}.
     */
    public Variable lstm(Variable values, int[] lengths, int[] offsets, Variable kernel, Variable recurrentKernel,
                         Variable bias, boolean backwards, boolean returnSequences) {
        return lstm(() -> values, null, lengths, offsets, kernel, recurrentKernel, bias, backwards, returnSequences);
    }

    /**
     * The same, knowing that the values are rows of an embedding table ({@code rows}, or null when
     * not); {@code values} is only asked for when the LSTM multiplies every token's vector.
     */
    public Variable lstm(Supplier<Variable> values, EmbeddingRows rows, int[] lengths, int[] offsets, Variable kernel,
                         Variable recurrentKernel, Variable bias, boolean backwards, boolean returnSequences) {
        return recurrent.lstm(values, rows, lengths, offsets, new RecurrentOps.Weights(kernel, recurrentKernel, bias), backwards,
                returnSequences);
    }

    /**
     * A forward and a backward fused LSTM over the same sequences, outputs concatenated forward
     * first: [batch, 2 units], or [tokens, 2 units] with returnSequences. The two directions run
     * in parallel on the kernels' pool. Weights are given as {kernel, recurrentKernel, bias} per direction.
     */
    public Variable bidirectionalLstm(Variable values, int[] lengths, int[] offsets, List<Variable> forwardWeights,
                                      List<Variable> backwardWeights, boolean returnSequences) {
        return bidirectionalLstm(() -> values, null, lengths, offsets, forwardWeights, backwardWeights, returnSequences);
    }

    /** The same, knowing the values' table rows, as {@link #lstm(Supplier, EmbeddingRows, int[], int[], Variable, Variable, Variable, boolean, boolean)}. */
    public Variable bidirectionalLstm(Supplier<Variable> values, EmbeddingRows rows, int[] lengths, int[] offsets,
                                      List<Variable> forwardWeights, List<Variable> backwardWeights, boolean returnSequences) {
        return recurrent.bidirectional(values, rows, lengths, offsets, weights(forwardWeights), weights(backwardWeights),
                returnSequences);
    }

    private static RecurrentOps.Weights weights(List<Variable> kernelRecurrentBias) {
        if (kernelRecurrentBias.size() != 3) {
            throw new IllegalArgumentException("recurrent weights are {kernel, recurrent kernel, bias}, got "
                    + kernelRecurrentBias.size() + " tensors");
        }
        return new RecurrentOps.Weights(kernelRecurrentBias.get(0), kernelRecurrentBias.get(1), kernelRecurrentBias.get(2));
    }

    /**
     * Keras' GRU (reset_after=True, gate blocks z, r, h) over packed sequences: kernel [features,
     * 3 units], recurrent kernel [units, 3 units], bias [2, 3 units] (input, recurrent). Output:
     * each sequence's final h, or with {@code returnSequences} h at every token's row.
     */
    public Variable gru(Variable values, int[] lengths, int[] offsets, Variable kernel, Variable recurrentKernel, Variable bias,
                        boolean backwards, boolean returnSequences) {
        return gru(() -> values, null, lengths, offsets, kernel, recurrentKernel, bias, backwards, returnSequences);
    }

    /**
     * The same, knowing that the values are rows of an embedding table ({@code rows}, or null when
     * not), as {@link #lstm(Supplier, EmbeddingRows, int[], int[], Variable, Variable, Variable, boolean, boolean)}.
     */
    public Variable gru(Supplier<Variable> values, EmbeddingRows rows, int[] lengths, int[] offsets, Variable kernel,
                        Variable recurrentKernel, Variable bias, boolean backwards, boolean returnSequences) {
        return cells.run(GruCell::new, values, rows, lengths, offsets, List.of(cellWeights(kernel, recurrentKernel, bias, backwards)),
                returnSequences);
    }

    /** Keras' SimpleRNN with tanh over packed sequences: kernel [features, units], recurrent kernel [units, units], bias [units]. */
    public Variable simpleRnn(Variable values, int[] lengths, int[] offsets, Variable kernel, Variable recurrentKernel,
                              Variable bias, boolean backwards, boolean returnSequences) {
        return simpleRnn(() -> values, null, lengths, offsets, kernel, recurrentKernel, bias, backwards, returnSequences);
    }

    /** The same, knowing the values' table rows, as {@link #gru(Supplier, EmbeddingRows, int[], int[], Variable, Variable, Variable, boolean, boolean)}. */
    public Variable simpleRnn(Supplier<Variable> values, EmbeddingRows rows, int[] lengths, int[] offsets, Variable kernel,
                              Variable recurrentKernel, Variable bias, boolean backwards, boolean returnSequences) {
        return cells.run(SimpleRnnCell::new, values, rows, lengths, offsets,
                List.of(cellWeights(kernel, recurrentKernel, bias, backwards)), returnSequences);
    }

    /**
     * A forward and a backward GRU over the same sequences, outputs side by side forward first
     * ([batch, 2 units], or [tokens, 2 units] with returnSequences), the two directions run in
     * parallel. Weights are {kernel, recurrentKernel, bias} per direction, as {@link #gru} takes them.
     */
    public Variable bidirectionalGru(Variable values, int[] lengths, int[] offsets, List<Variable> forwardWeights,
                                     List<Variable> backwardWeights, boolean returnSequences) {
        return bidirectionalGru(() -> values, null, lengths, offsets, forwardWeights, backwardWeights, returnSequences);
    }

    /** The same, knowing the values' table rows, as {@link #gru(Supplier, EmbeddingRows, int[], int[], Variable, Variable, Variable, boolean, boolean)}. */
    public Variable bidirectionalGru(Supplier<Variable> values, EmbeddingRows rows, int[] lengths, int[] offsets,
                                     List<Variable> forwardWeights, List<Variable> backwardWeights, boolean returnSequences) {
        return cells.run(GruCell::new, values, rows, lengths, offsets, cellWeights(forwardWeights, backwardWeights),
                returnSequences);
    }

    /** The same for SimpleRNN, as {@link #simpleRnn} takes its weights. */
    public Variable bidirectionalSimpleRnn(Variable values, int[] lengths, int[] offsets, List<Variable> forwardWeights,
                                           List<Variable> backwardWeights, boolean returnSequences) {
        return bidirectionalSimpleRnn(() -> values, null, lengths, offsets, forwardWeights, backwardWeights, returnSequences);
    }

    /** The same, knowing the values' table rows. */
    public Variable bidirectionalSimpleRnn(Supplier<Variable> values, EmbeddingRows rows, int[] lengths, int[] offsets,
                                           List<Variable> forwardWeights, List<Variable> backwardWeights,
                                           boolean returnSequences) {
        return cells.run(SimpleRnnCell::new, values, rows, lengths, offsets, cellWeights(forwardWeights, backwardWeights),
                returnSequences);
    }

    private static CellRecurrenceOps.Weights cellWeights(Variable kernel, Variable recurrentKernel, Variable bias,
                                                         boolean backwards) {
        return new CellRecurrenceOps.Weights(new RecurrentOps.Weights(kernel, recurrentKernel, bias), backwards);
    }

    private static List<CellRecurrenceOps.Weights> cellWeights(List<Variable> forward, List<Variable> backward) {
        return List.of(new CellRecurrenceOps.Weights(weights(forward), false), new CellRecurrenceOps.Weights(weights(backward), true));
    }

    /**
     * The mean over each packed sequence's steps ({@code values} [tokens, features], sequence s at
     * rows offsets[s] .. offsets[s]+lengths[s]): [batch, features]; an empty sequence gives zeros.
     */
    public Variable sequenceMean(Variable values, int[] lengths, int[] offsets) {
        return sequences.mean(values, lengths, offsets);
    }

    /**
     * The max of each feature over each packed sequence's steps: [batch, features]; an empty
     * sequence gives zeros. Tied steps share the gradient evenly.
     */
    public Variable sequenceMax(Variable values, int[] lengths, int[] offsets) {
        return sequences.max(values, lengths, offsets);
    }

    /**
     * Keras' Conv1D without its bias over packed sequences x [tokens, in] (sequence s at rows
     * offsets[s] .. offsets[s]+lengths[s]) with kernel [k, in, out]: [geometry.outputTokens(), out],
     * sequence s at rows geometry.outputOffsets()[s] .. + geometry.outputLengths()[s].
     */
    public Variable conv1d(Variable x, int[] lengths, int[] offsets, Variable kernel, Conv1dGeometry geometry) {
        return convolution.conv1d(x, lengths, offsets, kernel, geometry);
    }

    /**
     * Keras' MaxPooling1D over packed sequences x [tokens, features] with windows of
     * {@code geometry.kernelSize()} steps every {@code geometry.stride()} (dilation 1):
     * [geometry.outputTokens(), features]. Padding never wins a max; the gradient goes to the
     * first step holding each window's max.
     */
    public Variable maxPool1d(Variable x, int[] lengths, int[] offsets, Conv1dGeometry geometry) {
        return pooling.maxPool1d(x, lengths, offsets, geometry);
    }

    /**
     * Packed sequences of exactly {@code steps} steps each ({@code values} [tokens, features]) as
     * [batch, steps * features], step after step (Keras' Flatten); another length is an error.
     */
    public Variable flattenSequences(Variable values, int[] lengths, int[] offsets, int steps) {
        return structure.flattenSequences(values, lengths, offsets, steps);
    }

    /** Each row of [rows, features] as (x - mean) / sqrt(variance + epsilon) over the row; epsilon > 0. */
    public Variable normalizeRows(Variable x, double epsilon) {
        return normalization.normalizeRows(x, epsilon);
    }

    /** The sum of all elements, a scalar. */
    public Variable sum(Variable x) {
        return reductions.sum(x);
    }

    /** The mean of all elements, a scalar; an empty tensor is an error. */
    public Variable mean(Variable x) {
        return reductions.mean(x);
    }

    /** An example-wise loss summed with weights and divided by {@code denominator} (Keras' sum_over_batch_size). */
    public Variable exampleLoss(Variable outputs, ExampleLoss loss, float[] targets, int targetWidth, float[] weights,
                                int denominator) {
        return reductions.exampleLoss(outputs, loss, targets, targetWidth, weights, denominator);
    }
}
