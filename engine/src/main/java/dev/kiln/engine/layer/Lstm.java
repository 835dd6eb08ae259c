package dev.kiln.engine.layer;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * LSTM(units) with Keras' defaults: tanh and sigmoid, kernel glorot_uniform over the whole
 * [input, 4 units] matrix, recurrent kernel orthogonal [units, 4 units], bias zeros but 1 for the
 * forget gate; gate blocks i, f, c, o. Each sequence is read over its true length only (from its
 * last real token to its first when goBackwards), from zero state; the output is the final h,
 * [batch, units]; an empty sequence gives zeros.
 *
 * <p>The forward and backward passes are one fused operation ({@code Ops.lstm}) that computes only
 * real tokens. (The same cell built from primitive operations is kept in the tests as the
 * reference the fused one must match.)
 */
public final class Lstm implements Recurrent {
    /** The Keras class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "LSTM";
    /** 4 x units must fit a dimension. */
    static final int MAX_UNITS = PartConfig.MAX_DIMENSION / 4;

    /** The gate activations Kiln's LSTM computes: the fused kernel's sigmoid, and Keras 2's hard_sigmoid. */
    static final List<String> RECURRENT_ACTIVATIONS = List.of(Activation.SIGMOID.kerasName(),
            Activation.HARD_SIGMOID_KERAS2.kerasName());

    private final int units;
    private final Activation recurrentActivation;
    private final boolean goBackwards;
    private final boolean returnSequences;
    private final String name;
    private Variable kernel;
    private Variable recurrentKernel;
    private Variable bias;
    private ValueSpec output;

    /** LSTM(units) returning the final h; {@code goBackwards} reads each sequence from its end. */
    public Lstm(int units, boolean goBackwards, String name) {
        this(units, goBackwards, false, name);
    }

    /**
     * With {@code returnSequences}, the output is h after every token (a SequenceBatch) instead of
     * the final h, in reading order as in Keras: with go_backwards each sequence comes out reversed
     * within its length (see {@link Recurrent#forward}).
     */
    public Lstm(int units, boolean goBackwards, boolean returnSequences, String name) {
        this(units, Activation.SIGMOID, goBackwards, returnSequences, name);
    }

    /**
     * With another gate activation: {@link Activation#SIGMOID} (Keras' default, the fused kernel)
     * or {@link Activation#HARD_SIGMOID_KERAS2} (Keras 2.0-2.3's default, for their files), which
     * runs as a cell composed of the autodiff's operations: the same values and gradients, slower.
     */
    public Lstm(int units, Activation recurrentActivation, boolean goBackwards, boolean returnSequences, String name) {
        if (!RECURRENT_ACTIVATIONS.contains(recurrentActivation.kerasName())) {
            throw new IllegalArgumentException("LSTM's recurrent activation must be one of " + RECURRENT_ACTIVATIONS + ", got "
                    + recurrentActivation.kerasName());
        }
        this.recurrentActivation = recurrentActivation;
        if (units < 1 || units > MAX_UNITS) {
            throw new IllegalArgumentException("LSTM needs 1 <= units <= " + MAX_UNITS + ", got " + units);
        }
        this.units = units;
        this.goBackwards = goBackwards;
        this.returnSequences = returnSequences;
        this.name = name;
    }

    /** The layer its config describes; an unknown key or a bad value is an error naming it. */
    public static Lstm fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "units", "go_backwards", "return_sequences", "recurrent_activation"));
        Activation gates = Activation.fromKerasName(config.getChoice("recurrent_activation", Activation.SIGMOID.kerasName(),
                RECURRENT_ACTIVATIONS));
        return new Lstm(config.getInt("units", 1, MAX_UNITS), gates, config.getBoolean("go_backwards"),
                config.getBoolean("return_sequences"), config.getName());
    }

    @Override
    public boolean returnSequences() {
        return returnSequences;
    }

    @Override
    public int units() {
        return units;
    }

    @Override
    public Lstm copy(String newName, boolean backwards) {
        return new Lstm(units, recurrentActivation, backwards, returnSequences, newName);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        PartConfig.Builder config = PartConfig.layer(TYPE).put("name", name).put("units", units).put("go_backwards", goBackwards)
                .put("return_sequences", returnSequences);
        if (recurrentActivation != Activation.SIGMOID) { // written only when set: files of sigmoid LSTMs stay as they were
            config.put("recurrent_activation", recurrentActivation.kerasName());
        }
        return config.build();
    }

    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        int features = input.require(this, ValueSpec.SEQUENCES).width();
        if (kernel == null) {
            kernel = parameters.parameter(name + "/kernel", Shape.of(features, 4 * units),
                    rng -> Initializers.glorotUniform(rng, features, 4 * units));
            recurrentKernel = parameters.parameter(name + "/recurrent_kernel", Shape.of(units, 4 * units),
                    rng -> Initializers.orthogonal(rng, units, 4 * units));
            bias = parameters.parameter(name + "/bias", Shape.of(4 * units), rng -> {
                Tensor initialBias = Tensor.zeros(4 * units);
                Arrays.fill(initialBias.data(), units, 2 * units, 1f); // unit_forget_bias
                return initialBias;
            });
        }
        output = outputFor(input);
        return output;
    }

    @Override
    public boolean isBuilt() {
        return kernel != null;
    }

    @Override
    public Variable run(SequenceBatch sequences, Ops ops) {
        if (recurrentActivation != Activation.SIGMOID) {
            return ComposedLstm.run(sequences, ops, ops.bind(kernel), ops.bind(recurrentKernel), ops.bind(bias), recurrentActivation,
                    goBackwards, returnSequences);
        }
        return ops.lstm(sequences::values, sequences.rows(), sequences.lengths(), sequences.offsets(), ops.bind(kernel),
                ops.bind(recurrentKernel), ops.bind(bias), goBackwards, returnSequences);
    }

    /** Both LSTM directions as one fused operation, so they run in parallel (and in table mode share the projection). */
    @Override
    public Variable bothDirections(Recurrent backward, SequenceBatch sequences, Ops ops) {
        if (recurrentActivation != Activation.SIGMOID) {
            return Recurrent.super.bothDirections(backward, sequences, ops);
        }
        return ops.bidirectionalLstm(sequences::values, sequences.rows(), sequences.lengths(), sequences.offsets(),
                parameters().stream().map(ops::bind).toList(), backward.parameters().stream().map(ops::bind).toList(),
                returnSequences);
    }

    /** The gates' activation: sigmoid, or Keras 2's hard_sigmoid. */
    public Activation recurrentActivation() {
        return recurrentActivation;
    }

    @Override
    public boolean goBackwards() {
        return goBackwards;
    }

    @Override
    public List<Variable> parameters() {
        return kernel == null ? List.of() : List.of(kernel, recurrentKernel, bias);
    }

    @Override
    public String outputShape() {
        return (output == null ? outputFor(ValueSpec.input(0)) : output).summaryShape();
    }
}
