package dev.kiln.engine.model;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerValue;
import dev.kiln.engine.random.Rng;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Layers applied in order; each layer's output is the next one's input. */
public final class Sequential {
    private final List<Layer> layers;

    public Sequential(List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a Sequential model needs at least one layer");
        }
        Set<String> names = new HashSet<>();
        for (Layer layer : layers) {
            if (!names.add(layer.name())) {
                throw new IllegalArgumentException("two layers are named '" + layer.name() + "'; names must be unique");
            }
        }
        this.layers = List.copyOf(layers);
    }

    public List<Layer> layers() {
        return layers;
    }

    /** Creates every layer's weights, in order, from one generator: the same seed gives the same model. */
    public void build(int inputFeatures, Rng rng) {
        int features = inputFeatures;
        for (Layer layer : layers) {
            features = layer.build(features, rng);
        }
    }

    public boolean isBuilt() {
        return layers.stream().allMatch(Layer::isBuilt);
    }

    public LayerValue forward(LayerValue input, Ops ops) {
        if (!isBuilt()) {
            throw new IllegalStateException("build the model before running it");
        }
        LayerValue value = input;
        for (Layer layer : layers) {
            value = layer.forward(value, ops);
        }
        return value;
    }

    /** Every trainable parameter, layer by layer. */
    public List<Variable> parameters() {
        List<Variable> all = new ArrayList<>();
        for (Layer layer : layers) {
            all.addAll(layer.parameters());
        }
        return all;
    }

    public long parameterCount() {
        long count = 0;
        for (Variable parameter : parameters()) {
            count += parameter.value().size();
        }
        return count;
    }
}
