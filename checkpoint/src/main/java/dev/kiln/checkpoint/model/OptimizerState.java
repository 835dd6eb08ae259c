package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.MetadataSection;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartRegistry;
import dev.kiln.engine.part.PartState;
import dev.kiln.engine.tensor.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An optimizer in a model file, for any registered optimizer: the "optimizer" metadata section
 * {@code {"class_name", "config", "state": {values}}} and its state's tensors as
 * {@code optimizer/<name>} (slots: {@code optimizer/m/<parameter>}). Schema 1 files, written
 * before optimizers were parts, hold Adam or SGD in a flat form that is read too.
 */
final class OptimizerState {
    static final String TENSORS = "optimizer/";

    private OptimizerState() {}

    /** The metadata section for a saved optimizer, adding its tensors to {@code tensors}. */
    static Map<String, Object> write(ModelSnapshot.SavedOptimizer saved, Map<String, Tensor> tensors) {
        Map<String, Object> section = new LinkedHashMap<>(PartJson.write(saved.config()));
        section.put("state", saved.state().values());
        saved.state().tensors().forEach((name, tensor) -> tensors.put(TENSORS + name, tensor));
        return section;
    }

    /** The config and state a file's section describes (not yet checked against a model). */
    static ModelSnapshot.SavedOptimizer read(MetadataSection section, Map<String, Tensor> tensors, long schema) throws CheckpointFormatException {
        PartConfig config;
        Map<String, Object> values;
        if (schema == 1) {
            String type = section.choice("class_name", List.of("Adam", "SGD"));
            PartConfig.Builder builder = PartConfig.builder("optimizer", type);
            for (String key : section.keys()) {
                if (!Set.of("class_name", "iterations").contains(key)) {
                    builder.put(key, section.number(key, 0, Double.MAX_VALUE));
                }
            }
            config = builder.build();
            values = Map.of("iterations", section.integer("iterations", 0, Long.MAX_VALUE));
        } else {
            config = PartJson.read(section, "optimizer");
            values = section.object("state").raw();
        }
        Map<String, Tensor> stateTensors = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> {
            if (name.startsWith(TENSORS)) {
                stateTensors.put(name.substring(TENSORS.length()), tensor);
            }
        });
        return new ModelSnapshot.SavedOptimizer(config, new PartState(values, stateTensors));
    }

    /** The optimizer a saved section describes, with its state, checked against the model's parameters. */
    static Optimizer create(ModelSnapshot.SavedOptimizer saved, PartRegistry<Optimizer> registry, List<Variable> parameters, MetadataSection section,
                            Path path) throws CheckpointFormatException {
        Optimizer optimizer;
        try {
            optimizer = registry.create(saved.config());
        } catch (IllegalArgumentException e) {
            throw section.error(e.getMessage());
        }
        restore(saved, optimizer, parameters, path);
        return optimizer;
    }

    /** Puts a saved state into {@code live}, which must be of the saved type; checked before anything changes. */
    static void restore(ModelSnapshot.SavedOptimizer saved, Optimizer live, List<Variable> parameters, Path path) throws CheckpointFormatException {
        if (!saved.config().type().equals(live.config().type())) {
            throw new CheckpointFormatException(path + ": holds the state of a " + saved.config().type()
                    + " optimizer; the model is compiled with " + live.config().type());
        }
        PartState before = live.saveState().detached();
        try {
            live.restoreState(saved.state());
            live.build(parameters);
        } catch (IllegalArgumentException e) {
            live.restoreState(before); // a state that does not fit leaves the optimizer as it was
            throw new CheckpointFormatException(path + ": metadata.optimizer: " + e.getMessage());
        }
    }
}
