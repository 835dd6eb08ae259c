package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' GlobalAveragePooling1D over masked sequences: each example's vector is the mean of its
 * real steps only, as Keras computes it with a mask (sum of the unmasked steps / their count).
 * An empty sequence gives zeros, where Keras divides 0 by 0 and gives NaN: a NaN would poison the
 * loss of the whole batch, and zeros are what the LSTM gives for an empty sequence.
 */
public final class GlobalAveragePooling1D implements Layer {
    /** Keras' class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "GlobalAveragePooling1D";

    private final String name;
    private int features = -1;

    /** A pooling layer named {@code name}; it has no weights. */
    public GlobalAveragePooling1D(String name) {
        this.name = name;
    }

    /** The layer its config describes; an unknown key or a value Kiln does not support is an error naming it. */
    public static GlobalAveragePooling1D fromConfig(PartConfig config) {
        return new GlobalAveragePooling1D(GlobalPoolingConfig.name(config));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        return GlobalPoolingConfig.of(TYPE, name);
    }

    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        features = input.require(this, ValueSpec.SEQUENCES).width();
        return new ValueSpec(ValueSpec.FEATURES, features);
    }

    @Override
    public boolean isBuilt() {
        return features >= 0;
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        SequenceBatch sequences = Layer.expect(this, input, SequenceBatch.class);
        return new FeatureBatch(ops.sequenceMean(sequences.values(), sequences.lengths(), sequences.offsets()));
    }

    @Override
    public List<Variable> parameters() {
        return List.of();
    }

    @Override
    public String outputShape() {
        return "(None, " + features + ")";
    }
}
