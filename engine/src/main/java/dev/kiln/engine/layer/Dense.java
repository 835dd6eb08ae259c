package dev.kiln.engine.layer;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

import java.util.List;

/**
 * Dense(units, activation): y = activation(x . kernel + bias); kernel glorot_uniform [in, units], bias zeros.
 * On one vector per example, or per step on sequences (Keras' Dense on 3-D input: the same
 * kernel for every token; the lengths pass on, as Keras passes the mask).
 */
public final class Dense implements Layer {
    /** The Keras class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "Dense";

    private final int units;
    private final Activation activation;
    private final String name;
    private Variable kernel;
    private Variable bias;
    private ValueSpec output;

    /** A Dense layer of {@code units} outputs (at least 1); the input width is taken when it is built. */
    public Dense(int units, Activation activation, String name) {
        if (units < 1) {
            throw new IllegalArgumentException("Dense needs units >= 1, got " + units);
        }
        this.units = units;
        this.activation = activation;
        this.name = name;
    }

    /** The layer its config describes; an unknown key or a bad value is an error naming it. */
    public static Dense fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "units", "activation"));
        return new Dense(config.getDimension("units"), Activation.fromKerasName(config.getChoice("activation", Activation.kerasNames())),
                config.getName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        return PartConfig.layer(TYPE).put("name", name).put("units", units)
                .put("activation", activation.kerasName()).build();
    }

    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        ValueSpec checked = input.require(this, ValueSpec.FEATURES, ValueSpec.SEQUENCES);
        int inputFeatures = checked.width();
        if (kernel == null) {
            kernel = parameters.parameter(name + "/kernel", Shape.of(inputFeatures, units),
                    rng -> Initializers.glorotUniform(rng, inputFeatures, units));
            bias = parameters.parameter(name + "/bias", Shape.of(units), rng -> Tensor.zeros(units));
        } else if (kernel.shape().dim(0) != inputFeatures) {
            throw new IllegalArgumentException(name + " was built for " + kernel.shape().dim(0)
                    + " input features, got " + inputFeatures);
        }
        // Per example or per step; the mask and the sequences' length pass on.
        output = new ValueSpec(ValueSpec.SEQUENCES.equals(checked.kind()) ? ValueSpec.SEQUENCES : ValueSpec.FEATURES, units,
                checked.masked(), checked.steps());
        return output;
    }

    @Override
    public boolean isBuilt() {
        return kernel != null;
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        if (input instanceof SequenceBatch tokens) { // new values: the embedding rows they came from do not pass on
            return tokens.withValues(affine(tokens.values(), ops));
        }
        return new FeatureBatch(affine(Layer.expect(this, input, FeatureBatch.class).values(), ops));
    }

    private Variable affine(Variable x, Ops ops) {
        return activation.apply(ops, ops.add(ops.matmul(x, ops.bind(kernel)), ops.bind(bias)));
    }

    @Override
    public List<Variable> parameters() {
        return kernel == null ? List.of() : List.of(kernel, bias);
    }

    @Override
    public String outputShape() {
        return output == null ? "(None, " + units + ")" : output.summaryShape();
    }
}
