package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' GlobalMaxPooling1D over masked sequences: each feature's largest value over the real
 * steps of the example. Keras 3's layer takes no mask (it warns that the mask is dropped) and
 * takes the max over the padding steps too, so its answer depends on what the layer before put
 * at padded positions (tf.keras 2 refuses a masked input). Kiln's sequences have no padding
 * rows, so the max is over the real steps, which is what a masked model means. An empty sequence
 * gives zeros (there is no step to take a max of; zeros are what the average and the LSTM give).
 * Tied steps share the gradient evenly, as TensorFlow's and torch's reduce-max gradients do.
 */
public final class GlobalMaxPooling1D implements Layer {
    /** Keras' class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "GlobalMaxPooling1D";

    private final String name;
    private int features = -1;

    /** A pooling layer named {@code name}; it has no weights. */
    public GlobalMaxPooling1D(String name) {
        this.name = name;
    }

    /** The layer its config describes; an unknown key or a value Kiln does not support is an error naming it. */
    public static GlobalMaxPooling1D fromConfig(PartConfig config) {
        return new GlobalMaxPooling1D(GlobalPoolingConfig.name(config));
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
        return new FeatureBatch(ops.sequenceMax(sequences.values(), sequences.lengths(), sequences.offsets()));
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
