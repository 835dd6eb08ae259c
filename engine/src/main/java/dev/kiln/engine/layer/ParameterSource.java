package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

import java.util.Map;
import java.util.function.Function;

/**
 * Where a layer's parameters come from when it is built: fresh values from the layer's
 * initializers, or saved tensors. A layer asks once per parameter, naming it and giving its shape
 * before anything is allocated, so saved weights are checked against the config and used as they
 * are (no random initialization that would be overwritten, no copy).
 */
@FunctionalInterface
public interface ParameterSource {

    /** The values of parameter {@code name} of {@code shape}; {@code initial} draws fresh ones. */
    Tensor tensor(String name, Shape shape, Function<Rng, Tensor> initial);

    /** The trainable parameter {@code name} of {@code shape}, its values from this source. */
    default Variable parameter(String name, Shape shape, Function<Rng, Tensor> initial) {
        return Variable.parameter(tensor(name, shape, initial), name);
    }

    /** Fresh weights from the layers' initializers, drawn from {@code rng} in build order. */
    static ParameterSource initial(Rng rng) {
        return (name, shape, initial) -> initial.apply(rng);
    }

    /** Saved tensors by parameter name; {@code prefix} is how errors name them (e.g. "weights/"). */
    static SavedParameters saved(Map<String, Tensor> tensors, String prefix) {
        return new SavedParameters(tensors, prefix);
    }
}
