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
 * <p>The forward pass is built step by step from primitive operations: z = x.W + h.U + b, then
 * h moves to the new value only for sequences still running at that step.
 */
public final class Lstm implements Layer {
    public static final String TYPE = "LSTM";

    private final int units;
    private final boolean goBackwards;
    private final String name;
    private Variable kernel;
    private Variable recurrentKernel;
    private Variable bias;

    public Lstm(int units, boolean goBackwards, String name) {
        if (units < 1) {
            throw new IllegalArgumentException("LSTM needs units >= 1, got " + units);
        }
        this.units = units;
        this.goBackwards = goBackwards;
        this.name = name;
    }

    public static Lstm fromConfig(LayerConfig config) {
        return new Lstm(config.getInt("units"), config.getBoolean("go_backwards"), config.getString("name"));
    }

    public int units() {
        return units;
    }

    /** A copy of this layer's configuration with another name and direction (for Bidirectional). */
    Lstm copy(String newName, boolean backwards) {
        return new Lstm(units, backwards, newName);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LayerConfig config() {
        return LayerConfig.builder(TYPE).put("name", name).put("units", units).put("go_backwards", goBackwards).build();
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
        Variable kernel = ops.bind(this.kernel);
        Variable recurrentKernel = ops.bind(this.recurrentKernel);
        Variable bias = ops.bind(this.bias);
        int batch = sequences.batchSize();
        Variable h = Variable.constant(Tensor.zeros(batch, units));
        Variable c = Variable.constant(Tensor.zeros(batch, units));
        int steps = sequences.maxLength();
        for (int t = 0; t < steps; t++) {
            int[] rows = new int[batch];
            Tensor running = Tensor.zeros(batch, units);
            for (int s = 0; s < batch; s++) {
                int length = sequences.lengths()[s];
                if (t < length) {
                    rows[s] = sequences.offsets()[s] + (goBackwards ? length - 1 - t : t);
                    java.util.Arrays.fill(running.data(), s * units, (s + 1) * units, 1f);
                }
            }
            Variable x = ops.gather(sequences.values(), rows);
            Variable z = ops.add(ops.add(ops.matmul(x, kernel), ops.matmul(h, recurrentKernel)), bias);
            Variable inputGate = ops.sigmoid(ops.slice(z, 0, units));
            Variable forgetGate = ops.sigmoid(ops.slice(z, units, 2 * units));
            Variable candidate = ops.tanh(ops.slice(z, 2 * units, 3 * units));
            Variable outputGate = ops.sigmoid(ops.slice(z, 3 * units, 4 * units));
            Variable newC = ops.add(ops.multiply(forgetGate, c), ops.multiply(inputGate, candidate));
            Variable newH = ops.multiply(outputGate, ops.tanh(newC));
            // Masked step: a finished sequence keeps its state (state + mask * (new - state)).
            Variable mask = Variable.constant(running);
            c = ops.add(c, ops.multiply(mask, ops.subtract(newC, c)));
            h = ops.add(h, ops.multiply(mask, ops.subtract(newH, h)));
        }
        return new FeatureBatch(h);
    }

    @Override
    public List<Variable> parameters() {
        return kernel == null ? List.of() : List.of(kernel, recurrentKernel, bias);
    }

    @Override
    public String outputShape() {
        return "(None, " + units + ")";
    }
}
