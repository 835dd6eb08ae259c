package dev.kiln.checkpoint.keras;


import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The class and name of each layer of a config that {@link KerasModelConfig} has already read
 * (InputLayer left out), for matching the layers with a weights file's groups.
 *
 * @param classes the Keras class of each layer ("Dense")
 * @param names   the config's name of each layer ("dense_3")
 * @param inputs    the names of its InputLayers (a Functional model lists its InputLayer among its layers)
 * @param optimizer the optimizer of its compile_config ({module, class_name, config}), when it has one
 */
record KerasConfigLayers(List<String> classes, List<String> names, List<String> inputs, Optional<Map<?, ?>> optimizer) {
    /** Copies the lists. */
    KerasConfigLayers {
        classes = List.copyOf(classes);
        names = List.copyOf(names);
        inputs = List.copyOf(inputs);
    }

    /** The optimizer of a Keras 2 training_config ({"optimizer_config": {class_name, config}, ...}), if it names one. */
    static Optional<Map<?, ?>> optimizerOfTraining(String json, String source) throws KerasConfigException {
        Object root = KerasModelConfig.root(json, source);
        return root instanceof Map<?, ?> map && map.get("optimizer_config") instanceof Map<?, ?> optimizer
                ? Optional.of(optimizer) : Optional.empty();
    }

    /** The layers of a config's JSON tree (Sequential's layers, a Functional chain's, or Keras 2.0's bare list). */
    static KerasConfigLayers of(Object root) {
        Object config = root instanceof Map<?, ?> map ? map.get("config") : root;
        Object layers = config instanceof Map<?, ?> map ? map.get("layers") : config;
        List<String> classes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        if (layers instanceof List<?> list) {
            for (Object layer : list) {
                if (layer instanceof Map<?, ?> map) {
                    String name = String.valueOf(map.get("config") instanceof Map<?, ?> layerConfig ? layerConfig.get("name") : null);
                    if (KerasLayers.INPUT_LAYER.equals(map.get("class_name"))) {
                        inputs.add(name);
                    } else {
                        classes.add(String.valueOf(map.get("class_name")));
                        names.add(name);
                    }
                }
            }
        }
        Optional<Map<?, ?>> optimizer = root instanceof Map<?, ?> map && map.get("compile_config") instanceof Map<?, ?> compile
                && compile.get("optimizer") instanceof Map<?, ?> serialized ? Optional.of(serialized) : Optional.empty();
        return new KerasConfigLayers(classes, names, inputs, optimizer);
    }
}
