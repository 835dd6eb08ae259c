package dev.kiln.checkpoint.model;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerConfig;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.optim.Sgd;
import dev.kiln.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a model file holds, copied out of a model at one moment: layer configs, weights by
 * parameter name, a detached copy of the optimizer (Adam or Sgd, or null), and extra metadata sections
 * and tensors (the checkpoint's monitored value, the training state). Because it is a copy it can
 * be written on another thread while training goes on (asynchronous saves).
 *
 * @param weightsOnly a weights-only file (no optimizer state)
 * @param compiled    the model was compiled: its loss and metrics are recorded
 */
public record ModelSnapshot(List<LayerConfig> layers, Map<String, Tensor> weights, Optimizer optimizer, boolean weightsOnly,
                            boolean compiled, Map<String, Object> extraMetadata, Map<String, Tensor> extraTensors) {

    public ModelSnapshot {
        layers = List.copyOf(layers);
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        extraMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(extraMetadata));
        extraTensors = Collections.unmodifiableMap(new LinkedHashMap<>(extraTensors));
    }

    /**
     * A copy of the model's architecture and weights, and of {@code optimizer} unless it is null or
     * weightsOnly: for a save that runs while training goes on (background saving).
     */
    public static ModelSnapshot capture(Sequential model, Optimizer optimizer, boolean weightsOnly) {
        return of(model, weightsOnly ? null : copy(optimizer), weightsOnly, true);
    }

    /** The model's own tensors, not copied: for a save written before training goes on. */
    public static ModelSnapshot view(Sequential model, Optimizer optimizer, boolean weightsOnly) {
        return of(model, weightsOnly ? null : optimizer, weightsOnly, false);
    }

    private static ModelSnapshot of(Sequential model, Optimizer optimizer, boolean weightsOnly, boolean copyWeights) {
        List<LayerConfig> layers = new ArrayList<>();
        for (Layer layer : model.layers()) {
            layers.add(layer.config());
        }
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Variable parameter : model.parameters()) {
            weights.put(parameter.name(), copyWeights ? parameter.value().copy() : parameter.value());
        }
        return new ModelSnapshot(layers, weights, optimizer, weightsOnly, model.isCompiled(), Map.of(), Map.of());
    }

    /** A detached copy of an optimizer's settings and state. */
    static Optimizer copy(Optimizer optimizer) {
        return switch (optimizer) {
            case null -> null;
            case Adam adam -> {
                Adam copy = new Adam(adam.learningRate(), adam.beta1(), adam.beta2(), adam.epsilon());
                copy.restore(adam.iterations(), adam.moments(), adam.velocities()); // restore copies the tensors
                yield copy;
            }
            case Sgd sgd -> new Sgd(sgd.learningRate()).restore(sgd.iterations());
            default -> throw new IllegalArgumentException("cannot save the state of a " + optimizer.getClass().getSimpleName()
                    + " optimizer (Adam and Sgd can be saved)");
        };
    }

    /** This snapshot with more metadata sections and tensors. */
    public ModelSnapshot with(Map<String, Object> metadata, Map<String, Tensor> tensors) {
        Map<String, Object> allMetadata = new LinkedHashMap<>(extraMetadata);
        allMetadata.putAll(metadata);
        Map<String, Tensor> allTensors = new LinkedHashMap<>(extraTensors);
        allTensors.putAll(tensors);
        return new ModelSnapshot(layers, weights, optimizer, weightsOnly, compiled, allMetadata, allTensors);
    }
}
