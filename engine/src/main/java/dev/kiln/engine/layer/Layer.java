package dev.kiln.engine.layer;

import dev.kiln.engine.part.Part;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.random.Rng;

import java.util.List;

/**
 * One step of a model. A layer exposes everything needed to save and rebuild it: its
 * {@link #config()} (constructor arguments, from which a registered factory recreates it) and its
 * {@link #parameters()} (trainable tensors, named "layer/weight"). Layers are final classes that
 * implement this interface; wrappers (Bidirectional) hold other layers rather than extend them.
 */
public interface Layer extends Part {

    /** The layer's name, unique within its model (Keras style: "dense", "dense_1"). */
    String name();

    /**
     * Creates the weights for an input described by {@code input}, taking each parameter from
     * {@code parameters} (fresh or saved), and returns what the layer outputs. A layer refuses an
     * input of a kind it cannot take ({@link ValueSpec#require}) and any saved tensor whose shape
     * its config does not imply, before it allocates.
     */
    ValueSpec build(ValueSpec input, ParameterSource parameters);

    /**
     * Builds with fresh weights for inputs of {@code inputFeatures} features per token or example
     * (ignored by layers that take ids); returns the output's width.
     */
    default int build(int inputFeatures, Rng rng) {
        return build(ValueSpec.input(inputFeatures), ParameterSource.initial(rng)).width();
    }

    /** Whether the layer has its weights (has been built). */
    boolean isBuilt();

    /** The forward pass; the operations record their backward rules on {@code ops}' tape. */
    LayerValue forward(LayerValue input, Ops ops);

    /** Trainable parameters, in a fixed order. Empty before {@link #build}. */
    List<Variable> parameters();

    /** The output shape in Keras' summary notation, e.g. "(None, None, 64)". */
    String outputShape();

    /** Throws a clear error when {@code input} is not of the kind this layer takes. */
    static <T extends LayerValue> T expect(Layer layer, LayerValue input, Class<T> kind) {
        if (!kind.isInstance(input)) {
            throw new IllegalArgumentException(layer.name() + " (" + layer.config().type() + ") takes a "
                    + kind.getSimpleName() + ", got " + (input == null ? "null" : input.getClass().getSimpleName()));
        }
        return kind.cast(input);
    }

    /**
     * {@code input} as {@code kind} ({@link #expect}) when it is not masked sequences; otherwise
     * {@link #maskNotSupported}. Layers check the mask at build ({@link ValueSpec#requireUnmasked});
     * this catches sequences made without a build.
     */
    static <T extends LayerValue> T expectUnmasked(Layer layer, LayerValue input, Class<T> kind) {
        T value = expect(layer, input, kind);
        if (value instanceof SequenceBatch sequences && sequences.masked()) {
            throw maskNotSupported(layer);
        }
        return value;
    }

    /** Keras' refusal of a masked input by a layer that does not support masking, naming the layer and the fix. */
    static IllegalArgumentException maskNotSupported(Layer layer) {
        String type = layer.config().type();
        return new IllegalArgumentException("layer '" + layer.name() + "' (" + type + ") does not support masking, but was"
                + " passed an input with a mask (from an Embedding with mask_zero=True or a layer that passes it on);"
                + " use mask_zero=False before a " + type + ", as Keras requires");
    }
}
