package dev.kiln.checkpoint.keras;

import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerRegistry;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartRegistry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Keras layer classes Kiln reads, each with its {@link KerasLayer} table, and the registry
 * that makes their Kiln layers. {@link #engine()} has the engine's layers (their tables are in
 * one place, {@code EngineTables}); another module adds its own in one line, as nlp does:
 * {@code KerasLayers.engine().with(TextVectorizationKeras.TABLE)}. Instances are immutable.
 */
public final class KerasLayers {
    /** Keras' InputLayer: no Kiln layer, only the model's input. */
    static final String INPUT_LAYER = "InputLayer";

    private final PartRegistry<Layer> registry;
    private final Map<String, KerasLayer> tables;

    private KerasLayers(PartRegistry<Layer> registry, Map<String, KerasLayer> tables) {
        this.registry = registry;
        this.tables = Collections.unmodifiableMap(tables);
    }

    /** InputLayer and the engine's layers (Embedding, LSTM, GRU, SimpleRNN, Bidirectional, Dense, Dropout, ...). */
    public static KerasLayers engine() {
        Map<String, KerasLayer> tables = new LinkedHashMap<>();
        for (KerasLayer table : EngineTables.all()) {
            tables.put(table.kerasClass(), table);
        }
        return new KerasLayers(LayerRegistry.withEngineLayers(), tables);
    }

    /**
     * These tables plus {@code table} (this set is not changed). Its Kiln layer is made by the
     * table's own factory or, without one, by the engine's registry. A class already read is an error.
     */
    public KerasLayers with(KerasLayer table) {
        if (tables.containsKey(table.kerasClass())) {
            throw new IllegalArgumentException("Keras class '" + table.kerasClass() + "' already has a table");
        }
        if (table.factory().isEmpty() && table.kilnType().filter(registry.types()::contains).isEmpty()) {
            throw new IllegalArgumentException("Keras class '" + table.kerasClass() + "' needs a factory: the registry has no "
                    + table.kilnType().orElse("layer") + " type");
        }
        Map<String, KerasLayer> more = new LinkedHashMap<>(tables);
        more.put(table.kerasClass(), table);
        return new KerasLayers(registry, more);
    }

    /** The Keras classes these tables read, sorted (InputLayer included). */
    public Set<String> kerasClasses() {
        return Collections.unmodifiableSet(new TreeSet<>(tables.keySet()));
    }

    /** The table of Keras' {@code kerasClass}, if Kiln reads it. */
    public Optional<KerasLayer> table(String kerasClass) {
        return Optional.ofNullable(tables.get(kerasClass));
    }

    /** The table whose Kiln layer type is {@code kilnType}, for export. */
    Optional<KerasLayer> forKilnType(String kilnType) {
        return tables.values().stream().filter(table -> table.kilnType().filter(kilnType::equals).isPresent()).findFirst();
    }

    /** The Kiln layer of {@code config}, made by the table's factory or the registry (either validates the config). */
    Layer create(KerasLayer table, PartConfig config) {
        return table.factory().<Layer>map(factory -> factory.apply(config)).orElseGet(() -> registry.create(config));
    }
}
