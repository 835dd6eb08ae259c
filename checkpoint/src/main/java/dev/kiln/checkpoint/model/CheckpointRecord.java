package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.MetadataSection;
import dev.kiln.engine.part.PartState;

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
        record.put("value", PartState.storable(value));
        record.put("epoch", epoch);
        record.put("batch", batch.isPresent() ? batch.getAsInt() : null);
        return Map.of(SECTION, record);
    }

    /** The record in a file's metadata; empty when there is none, an error naming the field when malformed. */
    static Optional<CheckpointRecord> of(MetadataSection metadata, Path file) throws CheckpointFormatException {
        Optional<MetadataSection> optional = metadata.optionalObject(SECTION);
        if (optional.isEmpty()) {
            return Optional.empty();
        }
        MetadataSection section = optional.get();
        OptionalInt batch = section.has("batch") ? OptionalInt.of(section.intValue("batch", 1, Integer.MAX_VALUE)) : OptionalInt.empty();
        return Optional.of(new CheckpointRecord(section.string("monitor"),
                section.choice("mode", List.of("min", "max")).equals("max"), section.storedDouble("value"),
                section.intValue("epoch", 1, Integer.MAX_VALUE), batch));
    }
}
