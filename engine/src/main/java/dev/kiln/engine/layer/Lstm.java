package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;

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
public final class Lstm implements Layer {
    public static final String TYPE = "LSTM";

    private final int units;
    private final boolean goBackwards;
    private final boolean returnSequences;
    private final String name;
    private Variable kernel;
    private Variable recurrentKernel;
    private Variable bias;

    /** LSTM(units) returning the final h; {@code goBackwards} reads each sequence from its end. */
    public Lstm(int units, boolean goBackwards, String name) {
        this(units, goBackwards, false, name);
    }

    /** With {@code returnSequences}, the output is h after every token (a SequenceBatch) instead of the final h. */
    public Lstm(int units, boolean goBackwards, boolean returnSequences, String name) {
        if (units < 1) {
            throw new IllegalArgumentException("LSTM needs units >= 1, got " + units);
        }
        this.units = units;
        this.goBackwards = goBackwards;
        this.returnSequences = returnSequences;
        this.name = name;
    }

    public static Lstm fromConfig(LayerConfig config) {
        return new Lstm(config.getInt("units"), config.getBoolean("go_backwards"), config.getBoolean("return_sequences"),
                config.getString("name"));
    }

    public boolean returnSequences() {
        return returnSequences;
    }

    public int units() {
        return units;
    }

    /** A copy of this layer's configuration with another name and direction (for Bidirectional). */
    Lstm copy(String newName, boolean backwards) {
        return new Lstm(units, backwards, returnSequences, newName);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.builder(TYPE).put("name", name).put("units", units).put("go_backwards", goBackwards)
                .put("return_sequences", returnSequences).build();
    }

    @Override
    public int build(int inputFeatures, Rng rng) {
        if (kernel == null) {
            kernel = Variable.parameter(Initializers.glorotUniform(rng, inputFeatures, 4 * units), name + "/kernel");
            recurrentKernel = Variable.parameter(Initializers.orthogonal(rng, units, 4 * units), name + "/recurrent_kernel");
            Tensor initialBias = Tensor.zeros(4 * units);
            java.util.Arrays.fill(initialBias.data(), units, 2 * units, 1f); // unit_forget_bias
            bias = Variable.parameter(initialBias, name + "/bias");
        }
        return units;
    }

    @Override
    public boolean isBuilt() {
        return kernel != null;
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        SequenceBatch sequences = Layer.expect(this, input, SequenceBatch.class);
        Variable output = ops.lstm(sequences.values(), sequences.lengths(), sequences.offsets(), ops.bind(kernel),
                ops.bind(recurrentKernel), ops.bind(bias), goBackwards, returnSequences);
        return returnSequences
                ? new SequenceBatch(output, sequences.lengths(), sequences.offsets())
                : new FeatureBatch(output);
    }

    @Override
    public List<Variable> parameters() {
        return kernel == null ? List.of() : List.of(kernel, recurrentKernel, bias);
    }

    @Override
    public String outputShape() {
        return returnSequences ? "(None, None, " + units + ")" : "(None, " + units + ")";
    }
}
