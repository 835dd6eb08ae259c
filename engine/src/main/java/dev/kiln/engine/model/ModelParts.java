package dev.kiln.engine.model;

import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerRegistry;
import dev.kiln.engine.loss.Loss;
import dev.kiln.engine.loss.Losses;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.metric.Metrics;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.optim.Optimizers;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartRegistry;

import java.util.function.Function;

/**
 * The registries a loader rebuilds a compiled model from: its layers, loss, metrics and optimizer
 * (with its learning-rate schedule), each by its config's type. Register your own part in the
 * registry of its kind; nothing is created by reflection.
 */
public record ModelParts(PartRegistry<Layer> layers, PartRegistry<Loss> losses, PartRegistry<Metric> metrics,
                         PartRegistry<Optimizer> optimizers) {

    /** Everything the engine has. */
    public static ModelParts engine() {
        return new ModelParts(LayerRegistry.withEngineLayers(), Losses.registry(), Metrics.registry(), Optimizers.registry());
    }

    /** These parts plus a layer type (e.g. nlp's TextVectorization); this set is not changed. */
    public ModelParts withLayer(String type, Function<PartConfig, ? extends Layer> factory) {
        return new ModelParts(layers.copy().register(type, factory), losses, metrics, optimizers);
    }
}
