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

    /** Every layer of {@code names}, in order. */
    static List<LayerVariables> layers(Hdf5Group group, List<String> names, String prefix) throws IOException {
        List<LayerVariables> perLayer = new ArrayList<>();
        for (String name : names) {
            perLayer.add(layer(group, name, prefix));
        }
        return perLayer;
    }
}
