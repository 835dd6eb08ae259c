package dev.kiln.checkpoint.model;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartState;
import dev.kiln.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a model file holds, copied out of a model at one moment: layer configs, class names, weights by
 * parameter name, the compile configuration (loss and metrics), the optimizer's config and state,
 * and extra metadata sections and tensors (the checkpoint's monitored value, the training state).
 * A {@link #capture} copies every tensor, so it can be written on another thread while training
 * goes on (asynchronous saves).
 *
 * @param input       the input the model was built for (width 0 and any length when the first layer decides, as
 *                    a TextVectorization does)
 * @param weightsOnly a weights-only file (no optimizer state)
 * @param compile     the loss and metrics, when the model was compiled
 */
public record ModelSnapshot(List<PartConfig> layers, ValueSpec input, List<String> classNames, Map<String, Tensor> weights,
                            Optional<SavedOptimizer> optimizer, boolean weightsOnly, Optional<CompileConfig> compile,
                            Map<String, Object> extraMetadata, Map<String, Tensor> extraTensors) {

    /** Copies the layers, weights and extras, so the snapshot stays as it was taken. */
    public ModelSnapshot {
        layers = List.copyOf(layers);
        classNames = List.copyOf(classNames);
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        extraMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(extraMetadata));
        extraTensors = Collections.unmodifiableMap(new LinkedHashMap<>(extraTensors));
    }

    /** An optimizer as a file holds it: its config and its state. */
    public record SavedOptimizer(PartConfig config, PartState state) {}

    /** How a model was compiled: its loss and metrics, as configs. */
    public record CompileConfig(PartConfig loss, List<PartConfig> metrics) {
        /** Copies the metrics. */
        public CompileConfig {
            metrics = List.copyOf(metrics);
        }
    }

    /**
     * A copy of the model's architecture and weights, and of its optimizer's state unless
     * weightsOnly: for a save that runs while training goes on (background saving).
     */
    public static ModelSnapshot capture(Sequential model, boolean weightsOnly) {
        return of(model, weightsOnly, true);
    }

    /** The model's own tensors, not copied: for a save written before training goes on. */
    public static ModelSnapshot view(Sequential model, boolean weightsOnly) {
        return of(model, weightsOnly, false);
    }

    private static ModelSnapshot of(Sequential model, boolean weightsOnly, boolean copy) {
        List<PartConfig> layers = new ArrayList<>();
        for (Layer layer : model.layers()) {
            layers.add(layer.config());
        }
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Variable parameter : model.parameters()) {
            weights.put(parameter.name(), copy ? parameter.value().copy() : parameter.value());
        }
        Optional<SavedOptimizer> optimizer = Optional.empty();
        Optional<CompileConfig> compile = Optional.empty();
        if (model.isCompiled()) {
            compile = Optional.of(new CompileConfig(model.loss().config(), model.metrics().stream().map(Metric::config).toList()));
            if (!weightsOnly && model.optimizer().isPresent()) {
                Optimizer live = model.optimizer().get();
                optimizer = Optional.of(new SavedOptimizer(live.config(),
                        copy ? live.saveState().detached() : live.saveState()));
            }
        }
        return new ModelSnapshot(layers, model.builtInput().orElse(ValueSpec.input(0)), model.classNames(), weights, optimizer,
                weightsOnly, compile, Map.of(), Map.of());
    }

    /** This snapshot with more metadata sections and tensors. */
    public ModelSnapshot with(Map<String, Object> metadata, Map<String, Tensor> tensors) {
        Map<String, Object> allMetadata = new LinkedHashMap<>(extraMetadata);
        allMetadata.putAll(metadata);
        Map<String, Tensor> allTensors = new LinkedHashMap<>(extraTensors);
        allTensors.putAll(tensors);
        return new ModelSnapshot(layers, input, classNames, weights, optimizer, weightsOnly, compile, allMetadata, allTensors);
    }
}
