package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

import java.util.List;

/**
 * Keras' GRU(units) and SimpleRNN(units) with their defaults: GRU with reset_after=True, gate
 * blocks z, r, h, kernel [input, 3 units], recurrent_kernel [units, 3 units], bias [2, 3 units]
 * (input bias, recurrent bias); SimpleRNN with tanh, kernel [input, units], recurrent_kernel
 * [units, units], bias [units]. Kernels glorot_uniform, recurrent kernels orthogonal, biases
 * zeros. Sequences are read over their true lengths only (backwards from the last real token with
 * go_backwards), from zero state; the output is the final h, or with return_sequences h after every
 * token in reading order, as in Keras (see {@link Recurrent#forward}; the mask passes on).
 */
public final class CellRnn implements Recurrent {
    /** Keras' class name of the GRU. */
    public static final String GRU_TYPE = "GRU";
    /** Keras' class name of the SimpleRNN. */
    public static final String SIMPLE_RNN_TYPE = "SimpleRNN";

    /** Which cell: its Keras class name and the blocks its kernels have. */
    public enum Kind {
        /** Gated recurrent unit, 3 blocks. */
        GRU(GRU_TYPE, 3),
        /** tanh(x W + h U + b), 1 block. */
        SIMPLE_RNN(SIMPLE_RNN_TYPE, 1);

        private final String type;
        private final int gates;

        Kind(String type, int gates) {
            this.type = type;
            this.gates = gates;
        }
    }

    private final Kind kind;
    private final int units;
    private final boolean goBackwards;
    private final boolean returnSequences;
    private final String name;
    private Variable kernel;
    private Variable recurrentKernel;
    private Variable bias;
    private ValueSpec output;

    /** A {@code kind} layer of {@code units}; {@code goBackwards} reads each sequence from its end. */
    public CellRnn(Kind kind, int units, boolean goBackwards, boolean returnSequences, String name) {
        if (units < 1 || units > PartConfig.MAX_DIMENSION / kind.gates) {
            throw new IllegalArgumentException(kind.type + " needs 1 <= units <= " + PartConfig.MAX_DIMENSION / kind.gates
                    + ", got " + units);
        }
        this.kind = kind;
        this.units = units;
        this.goBackwards = goBackwards;
        this.returnSequences = returnSequences;
        this.name = name;
    }

    /** The layer a saved config of {@code kind} describes; an unknown key or a bad value is an error naming it. */
    public static CellRnn fromConfig(PartConfig config, Kind kind) {
        config.requireOnly(kind == Kind.GRU ? List.of("name", "units", "go_backwards", "return_sequences", "reset_after")
                : List.of("name", "units", "go_backwards", "return_sequences"));
        if (kind == Kind.GRU && !config.getBoolean("reset_after", true)) {
            throw config.invalid("reset_after", false, "true (Keras' default, the form Kiln computes)");
        }
        return new CellRnn(kind, config.getInt("units", 1, PartConfig.MAX_DIMENSION / kind.gates),
                config.getBoolean("go_backwards", false), config.getBoolean("return_sequences", false), config.getName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        PartConfig.Builder builder = PartConfig.layer(kind.type).put("name", name).put("units", units)
                .put("go_backwards", goBackwards).put("return_sequences", returnSequences);
        if (kind == Kind.GRU) {
            builder.put("reset_after", true);
        }
        return builder.build();
    }

    @Override
    public int units() {
        return units;
    }

    @Override
    public boolean returnSequences() {
        return returnSequences;
    }

    @Override
    public CellRnn copy(String newName, boolean backwards) {
        return new CellRnn(kind, units, backwards, returnSequences, newName);
    }

    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        int features = input.require(this, ValueSpec.SEQUENCES).width();
        int width = kind.gates * units;
        if (kernel == null) {
            kernel = parameters.parameter(name + "/kernel", Shape.of(features, width),
                    rng -> Initializers.glorotUniform(rng, features, width));
            recurrentKernel = parameters.parameter(name + "/recurrent_kernel", Shape.of(units, width),
                    rng -> Initializers.orthogonal(rng, units, width));
            Shape biasShape = kind == Kind.GRU ? Shape.of(2, width) : Shape.of(width);
            bias = parameters.parameter(name + "/bias", biasShape, rng -> Tensor.zeros(biasShape));
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
        // The values are only gathered if the input projection does not go through the embedding table.
        return kind == Kind.GRU
                ? ops.gru(sequences::values, sequences.rows(), sequences.lengths(), sequences.offsets(), ops.bind(kernel),
                        ops.bind(recurrentKernel), ops.bind(bias), goBackwards, returnSequences)
                : ops.simpleRnn(sequences::values, sequences.rows(), sequences.lengths(), sequences.offsets(), ops.bind(kernel),
                        ops.bind(recurrentKernel), ops.bind(bias), goBackwards, returnSequences);
    }

    /** Both directions as one operation, so they run in parallel. */
    @Override
    public Variable bothDirections(Recurrent backward, SequenceBatch sequences, Ops ops) {
        List<Variable> forwardWeights = parameters().stream().map(ops::bind).toList();
        List<Variable> backwardWeights = backward.parameters().stream().map(ops::bind).toList();
        return kind == Kind.GRU
                ? ops.bidirectionalGru(sequences::values, sequences.rows(), sequences.lengths(), sequences.offsets(),
                        forwardWeights, backwardWeights, returnSequences)
                : ops.bidirectionalSimpleRnn(sequences::values, sequences.rows(), sequences.lengths(), sequences.offsets(),
                        forwardWeights, backwardWeights, returnSequences);
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
