package dev.kiln.engine.layer;

import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Saved tensors handed to layers as they are built: each must exist with the shape the layer's
 * config implies; afterwards {@link #requireAllUsed()} refuses tensors that no parameter took.
 */
public final class SavedParameters implements ParameterSource {
    private final Map<String, Tensor> tensors;
    private final String prefix;
    private final Set<String> used = new TreeSet<>();

    SavedParameters(Map<String, Tensor> tensors, String prefix) {
        this.tensors = new LinkedHashMap<>(tensors);
        this.prefix = prefix;
    }

    @Override
    public Tensor tensor(String name, Shape shape, Function<Rng, Tensor> initial) {
        Tensor saved = tensors.get(name);
        if (saved == null) {
            throw new IllegalArgumentException("tensor " + prefix + name + " is missing; the model needs it with shape " + shape);
        }
        if (!saved.shape().equals(shape)) {
            throw new IllegalArgumentException("tensor " + prefix + name + " has shape " + saved.shape()
                    + "; the layer's config needs " + shape);
        }
        if (!used.add(name)) {
            throw new IllegalArgumentException("two parameters of the model are named " + prefix + name);
        }
        return saved;
    }

    /** Every saved tensor was taken by a parameter (a tensor left over means another architecture). */
    public void requireAllUsed() {
        Set<String> unused = new TreeSet<>(tensors.keySet());
        unused.removeAll(used);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("tensor " + prefix + unused.iterator().next() + " has no parameter of that name in the model ("
                    + used.size() + " parameters" + (unused.size() > 1 ? ", " + unused.size() + " tensors unused" : "") + ")");
        }
    }
}
