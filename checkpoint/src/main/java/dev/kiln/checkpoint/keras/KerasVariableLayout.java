package dev.kiln.checkpoint.keras;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.part.PartConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a Keras layer class keeps its variables, in Keras' order (which is the order Kiln's layer
 * asks for its parameters): in Keras 3's weights file the group under the layer's
 * {@code layers/<name>} group ({@code vars}, {@code cell/vars} for a recurrent layer's cell,
 * {@code forward_layer/cell/vars} and {@code backward_layer/cell/vars} for Bidirectional), and in
 * Keras 2's HDF5 files each variable's name ({@code dense/kernel:0}, {@code lstm/lstm_cell/kernel:0},
 * {@code bidirectional/forward_lstm/lstm_cell/kernel:0}).
 */
public final class KerasVariableLayout {
    private enum Kind { OWN, CELL, WRAPPER }

    private static final KerasVariableLayout OWN = new KerasVariableLayout(Kind.OWN, null);
    private static final KerasVariableLayout WRAPPER = new KerasVariableLayout(Kind.WRAPPER, null);

    private final Kind kind;
    private final String cellName;

    private KerasVariableLayout(Kind kind, String cellName) {
        this.kind = kind;
        this.cellName = cellName;
    }

    /** The layer's own variables ({@code vars/0..n}): Dense, Embedding, Conv1D, LayerNormalization. */
    public static KerasVariableLayout own() {
        return OWN;
    }

    /** A recurrent layer's: its cell, named {@code cellName} ("lstm_cell"), holds them ({@code cell/vars/0..n}). */
    public static KerasVariableLayout cell(String cellName) {
        return new KerasVariableLayout(Kind.CELL, cellName);
    }

    /** Bidirectional's: the first half of the parameters in its forward layer, the second in its backward layer. */
    public static KerasVariableLayout wrapper() {
        return WRAPPER;
    }

    /** The cell's name, for a recurrent layer's layout. */
    Optional<String> cellName() {
        return Optional.ofNullable(cellName);
    }

    /**
     * One {@code vars} group of Keras 3's layout: its path under the layer's group ("" for the
     * layer's own), the name Keras gives its owner (the {@code name} attribute Keras 3.10+ writes),
     * and its variables with their Keras 2 names.
     */
    record VarsGroup(String path, String ownerName, List<Variable> variables, List<String> keras2Names) {}

    /** The groups of {@code layer}, whose table has this layout; {@code tables} gives a wrapped layer's cell. */
    List<VarsGroup> groups(Layer layer, KerasLayers tables) {
        List<Variable> parameters = layer.parameters();
        String name = layer.name();
        return switch (kind) {
            case OWN -> List.of(new VarsGroup("", name, parameters, keras2Names(parameters, null)));
            case CELL -> List.of(new VarsGroup("", name, List.of(), List.of()),
                    new VarsGroup("cell", cellName, parameters, keras2Names(parameters, cellName)));
            case WRAPPER -> wrapped(layer, tables, parameters, name);
        };
    }

    private static List<VarsGroup> wrapped(Layer layer, KerasLayers tables, List<Variable> parameters, String name) {
        PartConfig inner = layer.config().getConfig("layer");
        String cell = tables.forKilnType(inner.type()).flatMap(table -> table.variableLayout().cellName())
                .orElseThrow(() -> new IllegalArgumentException("layer '" + name + "' wraps a " + inner.type()
                        + ", whose table names no recurrent cell"));
        String innerName = inner.getName();
        int half = parameters.size() / 2;
        List<VarsGroup> groups = new ArrayList<>();
        groups.add(new VarsGroup("", name, List.of(), List.of()));
        for (String direction : List.of("forward", "backward")) {
            List<Variable> mine = direction.equals("forward") ? parameters.subList(0, half) : parameters.subList(half, parameters.size());
            groups.add(new VarsGroup(direction + "_layer", direction + "_" + innerName, List.of(), List.of()));
            groups.add(new VarsGroup(direction + "_layer/cell", cell, mine, keras2Names(mine, cell)));
        }
        return groups;
    }

    /** Kiln's parameter "lstm/kernel" as Keras 2 names it: "lstm/kernel:0", or "lstm/lstm_cell/kernel:0" inside a cell. */
    private static List<String> keras2Names(List<Variable> variables, String cell) {
        List<String> names = new ArrayList<>();
        for (Variable variable : variables) {
            String full = variable.name();
            int slash = full.lastIndexOf('/');
            names.add(cell == null || slash < 0 ? full + ":0" : full.substring(0, slash) + "/" + cell + full.substring(slash) + ":0");
        }
        return names;
    }
}
