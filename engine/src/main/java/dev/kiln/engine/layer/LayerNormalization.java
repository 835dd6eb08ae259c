package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keras' LayerNormalization(axis=-1, epsilon=1e-3, center=True, scale=True): each vector is
 * normalized over its features, (x - mean) / sqrt(variance + epsilon) with the biased variance,
 * then multiplied by gamma (ones at first, "layer/gamma") when {@code scale} and shifted by beta
 * (zeros, "layer/beta") when {@code center}. Works on one vector per example and, per token, on
 * sequences (the mask and lengths pass on, as Keras passes the mask). Only the last axis is
 * supported, which is every axis a Kiln value has besides the batch and steps.
 */
public final class LayerNormalization implements Layer {
    /** Keras' class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "LayerNormalization";
    /** Keras' default epsilon. */
    public static final double DEFAULT_EPSILON = 1e-3;

    private final double epsilon;
    private final boolean center;
    private final boolean scale;
    private final String name;
    private Variable gamma;
    private Variable beta;
    private int features = -1;
    private ValueSpec output;

    /**
     * @param epsilon added to the variance, a number &gt; 0 (Keras takes 0 too, but then a constant
     *                vector, and every vector of one feature, divides 0 by 0)
     * @param center  add the trainable offset beta
     * @param scale   multiply by the trainable gain gamma
     */
    public LayerNormalization(double epsilon, boolean center, boolean scale, String name) {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("LayerNormalization needs a finite epsilon > 0, got " + epsilon);
        }
        this.epsilon = epsilon;
        this.center = center;
        this.scale = scale;
        this.name = name;
    }

    /** LayerNormalization with Keras' defaults: epsilon 1e-3, center and scale. */
    public LayerNormalization(String name) {
        this(DEFAULT_EPSILON, true, true, name);
    }

    /**
     * The layer its config describes ({@code axis} -1, or [-1] as Keras writes it once built; absent
     * keys take Keras' defaults); an unknown key or a bad value is an error naming it.
     */
    public static LayerNormalization fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "axis", "epsilon", "center", "scale"));
        Object axis = config.values().get("axis");
        if (axis != null && !axis.equals(-1) && !axis.equals(List.of(-1))) {
            throw config.invalid("axis", axis, "-1 or [-1] (the features: Kiln normalizes each vector over its last axis)");
        }
        Object epsilon = config.values().getOrDefault("epsilon", DEFAULT_EPSILON);
        if (!(epsilon instanceof Double number && number > 0 && !number.isInfinite()
                || epsilon instanceof Integer whole && whole > 0)) {
            throw config.invalid("epsilon", epsilon, "a number > 0");
        }
        return new LayerNormalization(((Number) epsilon).doubleValue(), config.getBoolean("center", true),
                config.getBoolean("scale", true), config.getName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        return PartConfig.layer(TYPE).put("name", name).put("axis", -1).put("epsilon", epsilon).put("center", center)
                .put("scale", scale).build();
    }

    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        ValueSpec checked = input.require(this, ValueSpec.FEATURES, ValueSpec.SEQUENCES);
        int width = checked.width();
        if (features >= 0 && features != width) {
            throw new IllegalArgumentException(name + " was built for " + features + " features, got " + width);
        }
        if (features < 0) {
            if (scale) {
                gamma = parameters.parameter(name + "/gamma", Shape.of(width), rng -> ones(width));
            }
            if (center) {
                beta = parameters.parameter(name + "/beta", Shape.of(width), rng -> Tensor.zeros(width));
            }
            features = width;
        }
        output = checked;
        return checked;
    }

    private static Tensor ones(int width) {
        Tensor tensor = Tensor.zeros(width);
        Arrays.fill(tensor.data(), 1f);
        return tensor;
    }

    @Override
    public boolean isBuilt() {
        return features >= 0;
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        if (input instanceof SequenceBatch tokens) {
            return tokens.withValues(normalized(tokens.values(), ops));
        }
        return new FeatureBatch(normalized(Layer.expect(this, input, FeatureBatch.class).values(), ops));
    }

    private Variable normalized(Variable x, Ops ops) {
        Variable y = ops.normalizeRows(x, epsilon);
        if (scale) {
            y = ops.multiply(y, ops.bind(gamma));
        }
        if (center) {
            y = ops.add(y, ops.bind(beta));
        }
        return y;
    }

    @Override
    public List<Variable> parameters() {
        List<Variable> parameters = new ArrayList<>(2); // Keras' order: gamma, then beta
        if (gamma != null) {
            parameters.add(gamma);
        }
        if (beta != null) {
            parameters.add(beta);
        }
        return List.copyOf(parameters);
    }

    @Override
    public String outputShape() {
        return output == null ? "" : output.summaryShape();
    }
}
