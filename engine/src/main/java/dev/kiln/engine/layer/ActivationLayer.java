package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' Activation layer: an {@link Activation} applied to every value, to one vector per
 * example or to every step of sequences (softmax and log_softmax over each row's last axis, as
 * Keras). The mask and the sequences' length pass on. Config keys: {@code name},
 * {@code activation} (a name of {@link Activation#kerasNames()}). No weights. (The Java name
 * differs from the Keras class only because {@link Activation} is the activations' enum.)
 */
public final class ActivationLayer implements Layer {
    /** The Keras class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "Activation";

    private final Activation activation;
    private final String name;
    private ValueSpec output;

    /** An Activation layer named {@code name} applying {@code activation}. */
    public ActivationLayer(Activation activation, String name) {
        this.activation = activation;
        this.name = name;
    }

    /** The layer a saved config describes; an unknown key or activation name is refused by name. */
    public static ActivationLayer fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "activation"));
        return new ActivationLayer(Activation.fromKerasName(config.getChoice("activation", Activation.kerasNames())),
                config.getName());
    }

    /** The activation it applies. */
    public Activation activation() {
        return activation;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        return PartConfig.layer(TYPE).put("name", name).put("activation", activation.kerasName()).build();
    }

    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        ValueSpec checked = input.require(this, ValueSpec.FEATURES, ValueSpec.SEQUENCES);
        output = new ValueSpec(checked.kind(), checked.width(), checked.masked(), checked.steps());
        return output;
    }

    @Override
    public boolean isBuilt() {
        return output != null;
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        if (input instanceof SequenceBatch sequences) { // new values: the embedding rows they came from do not pass on
            return sequences.withValues(activation.apply(ops, sequences.values()));
        }
        Variable x = Layer.expect(this, input, FeatureBatch.class).values();
        return new FeatureBatch(activation.apply(ops, x));
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
