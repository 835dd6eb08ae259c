package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.hdf5.Hdf5Data;
import dev.kiln.checkpoint.hdf5.Hdf5GroupBuilder;
import dev.kiln.checkpoint.hdf5.Hdf5Value;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.model.Sequential;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code model.weights.h5} of a {@code .keras} archive, laid out as Keras 3's saving_lib
 * writes it: a {@code vars} group for the model, then {@code layers/<class in snake_case>[_n]} per
 * layer, counted per class in layer order (InputLayer has none), each with its {@code vars} group
 * (and {@code cell/vars}, or {@code forward_layer/...} and {@code backward_layer/...}, where its
 * class keeps them), the variables numbered from 0 in Keras' order, float32. Every {@code vars}
 * group carries the {@code name} attribute Keras 3.10 writes (its owner's name, a variable-length
 * UTF-8 string).
 */
final class KerasWeightsFile {
    /** The model's name in the config Kiln writes. */
    static final String MODEL_NAME = "sequential";

    private KerasWeightsFile() {}

    /** The tree of {@code model}'s weights; a layer without a table is an IllegalArgumentException naming it. */
    static Hdf5GroupBuilder of(Sequential model, KerasLayers tables) {
        Hdf5GroupBuilder root = Hdf5GroupBuilder.root();
        root.group("vars").attribute("name", Hdf5Value.utf8(MODEL_NAME));
        Hdf5GroupBuilder layers = root.group("layers");
        List<String> names = groupNames(model.layers(), tables);
        for (int i = 0; i < names.size(); i++) {
            Layer layer = model.layers().get(i);
            KerasLayer table = table(layer, tables);
            Hdf5GroupBuilder group = layers.group(names.get(i));
            for (KerasVariableLayout.VarsGroup vars : table.variableLayout().groups(layer, tables)) {
                Hdf5GroupBuilder target = group.group(vars.path().isEmpty() ? "vars" : vars.path() + "/vars");
                target.attribute("name", Hdf5Value.utf8(vars.ownerName()));
                numbered(target, vars.variables());
            }
            table.savedState().ifPresent(state -> {
                for (String sub : state.alsoUnder()) {
                    named(group.group(sub + "/vars"), state.namedVariables(layer.config()));
                }
                named(group.group("vars"), state.namedVariables(layer.config()));
            });
        }
        return root;
    }

    /** Each layer's group name, Keras 3's {@code to_snake_case(class)} with a counter per name, in layer order. */
    static List<String> groupNames(List<Layer> layers, KerasLayers tables) {
        List<String> names = new ArrayList<>();
        Map<String, Integer> counters = new HashMap<>();
        for (Layer layer : layers) {
            names.add(Keras3Weights.groupName(table(layer, tables).kerasClass(), counters));
        }
        return names;
    }

    static KerasLayer table(Layer layer, KerasLayers tables) {
        return tables.forKilnType(layer.config().type()).orElseThrow(() -> new IllegalArgumentException("layer '"
                + layer.name() + "' (" + layer.config().type() + ") has no Keras table; Kiln writes " + tables.kerasClasses()));
    }

    private static void numbered(Hdf5GroupBuilder vars, List<Variable> variables) {
        for (int i = 0; i < variables.size(); i++) {
            Variable variable = variables.get(i);
            vars.dataset(Integer.toString(i), Hdf5Data.float32(variable.shape(), variable.data()));
        }
    }

    private static void named(Hdf5GroupBuilder vars, List<KerasSavedState.NamedVariable> variables) {
        for (KerasSavedState.NamedVariable variable : variables) {
            vars.dataset(variable.name(), Hdf5Data.float32(variable.shape(), variable.values()));
        }
    }
}
