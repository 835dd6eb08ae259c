package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.MetadataSection;
import dev.kiln.engine.callback.CallbackState;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What ModelCheckpoint records in a file it saves (the "checkpoint" metadata section): the
 * monitored quantity, whether lower or higher is better, its value (NaN when it was missing), and
 * the 1-based epoch and batch (empty for an end-of-epoch save).
 */
public record CheckpointRecord(String monitor, boolean maximize, double value, int epoch, OptionalInt batch) {
    static final String SECTION = "checkpoint";

    /** The record as a metadata section. */
    public Map<String, Object> metadata() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("monitor", monitor);
        record.put("mode", maximize ? "max" : "min");
        record.put("value", CallbackState.storable(value));
        record.put("epoch", epoch);
        record.put("batch", batch.isPresent() ? batch.getAsInt() : null);
        return Map.of(SECTION, record);
    }

    /** The record among a file's extra metadata sections; empty when there is none, an error naming the field when malformed. */
    public static Optional<CheckpointRecord> of(Map<String, Object> extraMetadata, Path file) throws CheckpointFormatException {
        Object raw = extraMetadata.get(SECTION);
        if (raw == null) {
            return Optional.empty();
        }
        MetadataSection section = MetadataSection.root(raw, file.toString(), "metadata." + SECTION);
        OptionalInt batch = section.has("batch") ? OptionalInt.of(section.intValue("batch", 1, Integer.MAX_VALUE)) : OptionalInt.empty();
        return Optional.of(new CheckpointRecord(section.string("monitor"),
                section.choice("mode", List.of("min", "max")).equals("max"), section.storedDouble("value"),
                section.intValue("epoch", 1, Integer.MAX_VALUE), batch));
    }
}
