package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' Flatten: sequences of one fixed length, [batch, steps, features], become one vector per
 * example, [batch, steps * features], step after step (row-major, Keras' order for
 * channels_last); one vector per example passes unchanged. Kiln keeps each sequence at its own
 * length, so the one length must be known when the model is built: TextVectorization's
 * output_sequence_length pads and truncates every text to it (for a model built in code,
 * {@link ValueSpec#input(int, int)}, though a saved file keeps no such length). Without it Keras'
 * Flatten gives (None, None) and the Dense after it cannot be built; Kiln refuses at build, saying so. Keras' Flatten does not support
 * masking: a masked input is an error naming the layer. Config keys: {@code name},
 * {@code data_format} ("channels_last" only). No weights.
 */
public final class Flatten implements Layer {
    /** The Keras class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "Flatten";
    private static final String CHANNELS_LAST = "channels_last";

    private final String name;
    private int steps = ValueSpec.ANY_LENGTH; // the sequences' length it was built for; ANY_LENGTH for vectors
    private ValueSpec output;

    /** A Flatten named {@code name}. */
    public Flatten(String name) {
        this.name = name;
    }

    /** The layer a saved config describes; an unknown key or a data_format other than channels_last is refused by name. */
    public static Flatten fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "data_format"));
        config.getChoice("data_format", CHANNELS_LAST, List.of(CHANNELS_LAST));
        return new Flatten(config.getName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        return PartConfig.layer(TYPE).put("name", name).put("data_format", CHANNELS_LAST).build();
    }

    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        ValueSpec checked = input.require(this, ValueSpec.SEQUENCES, ValueSpec.FEATURES).requireUnmasked(this);
        if (!ValueSpec.SEQUENCES.equals(checked.kind())) {
            output = new ValueSpec(ValueSpec.FEATURES, checked.width());
            return output;
        }
        if (!checked.fixedLength()) {
            throw new IllegalArgumentException(where() + " needs sequences of one fixed length, so that each example's"
                    + " [steps, features] becomes one vector of steps * features (the width the next layer is built for),"
                    + " but the layer before it gives sequences of any length (Kiln keeps each text at its own length);"
                    + " give TextVectorization an output_sequence_length, which pads or truncates every text to that"
                    + " many tokens (Keras' Flatten cannot size a Dense after it without one either)");
        }
        long width = (long) checked.steps() * checked.width();
        if (width > PartConfig.MAX_DIMENSION) {
            throw new IllegalArgumentException(where() + ": " + checked.steps() + " steps of " + checked.width()
                    + " features flatten to " + width + " values, more than a layer's width may be (" + PartConfig.MAX_DIMENSION + ")");
        }
        steps = checked.steps();
        output = new ValueSpec(ValueSpec.FEATURES, (int) width);
        return output;
    }

    private String where() {
        return "layer '" + name + "' (" + TYPE + ")";
    }

    @Override
    public boolean isBuilt() {
        return output != null;
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        LayerValue value = Layer.expectUnmasked(this, input, LayerValue.class);
        if (!(value instanceof SequenceBatch sequences)) {
            return Layer.expect(this, value, FeatureBatch.class);
        }
        if (steps == ValueSpec.ANY_LENGTH) {
            throw new IllegalArgumentException(where() + " was built for one vector per example, but was given sequences");
        }
        for (int s = 0; s < sequences.batchSize(); s++) {
            if (sequences.lengths()[s] != steps) {
                throw new IllegalArgumentException(where() + " was built for sequences of " + steps + " steps, but sequence "
                        + s + " of the batch has " + sequences.lengths()[s]
                        + "; every example must be padded to the length the model was built for");
            }
        }
        return new FeatureBatch(ops.flattenSequences(sequences.values(), sequences.lengths(), sequences.offsets(), steps));
    }

    @Override
    public List<Variable> parameters() {
        return List.of();
    }

    @Override
    public String outputShape() {
        return output == null ? "(None, None)" : output.summaryShape();
    }
}
