package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' GlobalAveragePooling1D and GlobalMaxPooling1D over masked sequences: one vector per
 * example from its real steps only. The average is Keras' masked average (the sum of the real
 * steps over their count). Keras 3's GlobalMaxPooling1D takes no mask and maxes over the padding
 * steps too (tf.keras 2 refuses a masked input); Kiln's sequences have no padding rows, so the
 * max is over the real steps, which is what a masked model means, and tied steps share the
 * gradient evenly (as TensorFlow's and torch's reduce-max gradients do). An empty sequence gives
 * zeros for both, where Keras' average divides 0 by 0: a NaN would poison the loss of the whole
 * batch, and zeros are what the LSTM gives for an empty sequence. Config keys are Keras':
 * {@code name}, {@code data_format} ("channels_last" only) and {@code keepdims} (false only).
 */
public final class GlobalPooling1D implements Layer {
    /** Keras' class name of the average. */
    public static final String AVERAGE_TYPE = "GlobalAveragePooling1D";
    /** Keras' class name of the max. */
    public static final String MAX_TYPE = "GlobalMaxPooling1D";
    private static final String CHANNELS_LAST = "channels_last";

    private final boolean max;
    private final String name;
    private int features = -1;

    /** A pooling layer named {@code name}, taking the max ({@code max}) or the mean; it has no weights. */
    public GlobalPooling1D(boolean max, String name) {
        this.max = max;
        this.name = name;
    }

    /** GlobalAveragePooling1D named {@code name}. */
    public static GlobalPooling1D average(String name) {
        return new GlobalPooling1D(false, name);
    }

    /** GlobalMaxPooling1D named {@code name}. */
    public static GlobalPooling1D max(String name) {
        return new GlobalPooling1D(true, name);
    }

    /** The layer a saved config describes; an unknown key or a value Kiln does not support is an error naming it. */
    public static GlobalPooling1D fromConfig(PartConfig config, boolean max) {
        config.requireOnly(List.of("name", "data_format", "keepdims"));
        config.getChoice("data_format", CHANNELS_LAST, List.of(CHANNELS_LAST));
        if (config.getBoolean("keepdims", false)) {
            throw config.invalid("keepdims", true, "false (the output is one vector per example)");
        }
        return new GlobalPooling1D(max, config.getName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        return PartConfig.layer(max ? MAX_TYPE : AVERAGE_TYPE).put("name", name).put("data_format", CHANNELS_LAST)
                .put("keepdims", false).build();
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
        Variable pooled = max ? ops.sequenceMax(sequences.values(), sequences.lengths(), sequences.offsets())
                : ops.sequenceMean(sequences.values(), sequences.lengths(), sequences.offsets());
        return new FeatureBatch(pooled);
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
