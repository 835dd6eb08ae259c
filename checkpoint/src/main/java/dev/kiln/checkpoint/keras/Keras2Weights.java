package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.hdf5.Hdf5Group;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras 2's weights layout (a full model's {@code /model_weights}, or the root of a weights-only
 * file of {@code save_weights}): a {@code layer_names} attribute listing one group per layer, and
 * in each group a {@code weight_names} attribute giving its variables' paths in Keras' order
 * ({@code dense_1/kernel:0}, {@code dense_1/bias:0}).
 */
final class Keras2Weights {
    private Keras2Weights() {}

    /** The layer groups' names, in order, from {@code group}'s {@code layer_names}. */
    static List<String> layerNames(Hdf5Group group) throws IOException {
        return group.attribute("layer_names").strings();
    }

    /** The variables of the layer group {@code name} of {@code group}, in the order of its {@code weight_names}. */
    static LayerVariables layer(Hdf5Group group, String name, String prefix) throws IOException {
        Hdf5Group layer = group.group(name);
        List<KerasVariable> variables = new ArrayList<>();
        for (String weightName : layer.attribute("weight_names").strings()) {
            variables.add(new KerasVariable(weightName, layer.dataset(weightName)));
        }
        return new LayerVariables(prefix + name, variables);
    }

    /**
     * The layers of a weights-only file matched with the config's by position and class: the file
     * names its groups as the model that saved it did ({@code lstm_3}), which need not be the
     * config's names ({@code lstm_2}), so a group is matched with the config's layer at its
     * position when it has that layer's name or Keras' default name for its class (the class in
     * snake case, with or without a counter). A leading group of the model's InputLayer (a
     * Functional model's) is skipped. Anything else is refused naming the group.
     */
    static List<LayerVariables> byPosition(Hdf5Group group, KerasConfigLayers config, String source) throws IOException {
        List<String> names = new ArrayList<>(layerNames(group));
        if (names.size() == config.classes().size() + 1 && !names.isEmpty() && names.getFirst().matches("input(_\\d+)?")) {
            names.removeFirst();
        }
        if (names.size() != config.classes().size()) {
            throw new KerasConfigException(source + ": layer_names lists " + names.size() + " layers " + names + "; the config has "
                    + config.classes().size() + " " + config.names());
        }
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String kerasClass = config.classes().get(i);
            String base = Keras3Weights.snakeCase(kerasClass);
            if (!name.equals(config.names().get(i)) && !name.matches(java.util.regex.Pattern.quote(base) + "(_\\d+)?")) {
                throw new KerasConfigException(source + ": layer " + i + " of the file, '" + name + "', is neither the config's"
                        + " layer " + i + " '" + config.names().get(i) + "' (" + kerasClass + ") nor named as Keras names a "
                        + kerasClass + " (" + base + ", " + base + "_1, ...); the file's layers are " + names);
            }
        }
        return layers(group, names, "");
    }

    /** Every layer of {@code names}, in order. */
    static List<LayerVariables> layers(Hdf5Group group, List<String> names, String prefix) throws IOException {
        List<LayerVariables> perLayer = new ArrayList<>();
        for (String name : names) {
            perLayer.add(layer(group, name, prefix));
        }
        return perLayer;
    }
}
