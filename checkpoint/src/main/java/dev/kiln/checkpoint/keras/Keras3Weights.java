package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.hdf5.Hdf5Dataset;
import dev.kiln.checkpoint.hdf5.Hdf5Group;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keras 3's weights layout ({@code model.weights.h5} in a {@code .keras} archive, or a
 * {@code .weights.h5} file of {@code save_weights}): each layer's variables under
 * {@code layers/<group>/vars/0..n} (recurrent layers {@code cell/vars}, Bidirectional
 * {@code forward_layer/cell/vars} then {@code backward_layer/cell/vars}), the group named from the
 * layer's class in snake case plus a counter per class, in layer order ({@code dense},
 * {@code dense_1}, ...), not from the config's names.
 */
final class Keras3Weights {
    private Keras3Weights() {}

    /**
     * The variables of each layer of {@code classes} (the config's layer classes, InputLayer left
     * out), in order. A file without datasets, and one holding weights under a group no layer
     * names, is refused; {@code source} names the weights file in messages.
     */
    static List<LayerVariables> of(Hdf5Group root, List<String> classes, String source) throws IOException {
        if (countDatasets(root.findGroup("layers").orElse(root)) == 0) {
            throw new KerasConfigException(source + ": holds no weights: the model was saved before it was built (never"
                    + " trained or called), so there is nothing to load");
        }
        Hdf5Group layerGroups = root.group("layers");
        List<LayerVariables> perLayer = new ArrayList<>();
        Map<String, Integer> counters = new HashMap<>();
        Set<String> expectedGroups = new HashSet<>();
        for (String kerasClass : classes) {
            String groupName = groupName(kerasClass, counters);
            expectedGroups.add(groupName);
            Optional<Hdf5Group> group = layerGroups.findGroup(groupName);
            List<KerasVariable> variables = new ArrayList<>();
            if (group.isPresent()) {
                collect(group.get(), "", variables);
            }
            perLayer.add(new LayerVariables("layers/" + groupName, variables));
        }
        for (Hdf5Group group : layerGroups.groups()) {
            if (!expectedGroups.contains(group.name()) && countDatasets(group) > 0) {
                throw new KerasConfigException(source + ": holds weights under layers/" + group.name() + ", which no layer of"
                        + " the config names (the groups expected, by class and position: " + expectedGroups.stream().sorted().toList() + ")");
            }
        }
        return perLayer;
    }

    /** The numbered datasets {@code 0..n} of {@code vars}, in order; other names or gaps are refused. */
    static List<Hdf5Dataset> numbered(Hdf5Group vars) throws KerasConfigException {
        List<Hdf5Dataset> datasets = new ArrayList<>(vars.datasets());
        for (Hdf5Dataset dataset : datasets) {
            if (!dataset.name().matches("\\d{1,9}")) {
                throw new KerasConfigException(dataset.source() + ": " + dataset.path() + " is not a numbered Keras variable");
            }
        }
        datasets.sort(Comparator.comparingInt(d -> Integer.parseInt(d.name())));
        for (int i = 0; i < datasets.size(); i++) {
            if (Integer.parseInt(datasets.get(i).name()) != i) {
                throw new KerasConfigException(datasets.get(i).source() + ": " + vars.path() + " numbers its variables "
                        + datasets.stream().map(Hdf5Dataset::name).toList() + "; Keras numbers them from 0 without gaps");
            }
        }
        return datasets;
    }

    /** One layer's variables: {@code vars/0..n}, then those of its cell and its forward and backward layers. */
    private static void collect(Hdf5Group group, String prefix, List<KerasVariable> into) throws IOException {
        Optional<Hdf5Group> vars = group.findGroup("vars");
        if (vars.isPresent()) {
            List<Hdf5Dataset> datasets = numbered(vars.get());
            for (int i = 0; i < datasets.size(); i++) {
                into.add(new KerasVariable(prefix + "vars/" + i, datasets.get(i)));
            }
        }
        for (String sub : List.of("cell", "forward_layer", "backward_layer")) {
            Optional<Hdf5Group> child = group.findGroup(sub);
            if (child.isPresent()) {
                collect(child.get(), prefix + sub + "/", into);
            }
        }
    }

    /**
     * The weight group Keras 3 names the next layer of {@code kerasClass}: its class in snake case,
     * with {@code _n} from the second of a name on ({@code counters} counts them in layer order).
     * Reading and writing share it, so the two cannot disagree.
     */
    static String groupName(String kerasClass, Map<String, Integer> counters) {
        String base = snakeCase(kerasClass);
        int count = counters.merge(base, 1, Integer::sum) - 1;
        return count == 0 ? base : base + "_" + count;
    }

    /** Keras' name for a layer class's weight group: CamelCase to snake_case, as {@code keras.src.utils.naming.to_snake_case}. */
    static String snakeCase(String className) {
        String name = className.replaceAll("\\W+", "").replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        name = name.replaceAll("([a-z])([A-Z])", "$1_$2");
        return name.toLowerCase(Locale.ROOT);
    }

    static long countDatasets(Hdf5Group group) {
        long count = group.datasets().size();
        for (Hdf5Group child : group.groups()) {
            count += countDatasets(child);
        }
        return count;
    }
}
