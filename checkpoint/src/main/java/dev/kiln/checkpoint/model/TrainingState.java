package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.MetadataSection;
import dev.kiln.engine.callback.FitPosition;
import dev.kiln.engine.json.JsonValues;
import dev.kiln.engine.part.PartState;
import dev.kiln.engine.tensor.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a fit stood when it was saved, as the "training" metadata section of a model file: the
 * fit position (epoch, batches done - also the data position: pass = epoch, that many batches
 * skipped - and every training metric's running state, the loss's included), whether a stop was
 * requested, the optimizer's global step, the batches per epoch (-1 if unknown, to recognize the
 * same pipeline) and every stateful callback's state. Tensors of a state are stored as
 * {@code metrics/<metric>/<name>} and {@code callbacks/<state name>/<name>}.
 *
 * <p>Random state: the shuffle order of pass n is a function of the dataset's seed and n, and a
 * training step draws no random numbers, so the position is the whole random state; the section
 * says so rather than storing generator words that would never be read.
 */
public record TrainingState(FitPosition position, boolean stopRequested, long globalStep, long backupBatches,
                            long batchesPerEpoch, Map<String, PartState> callbacks) {

    static final String SECTION = "training";
    private static final String CALLBACK_TENSORS = "callbacks/";
    private static final String METRIC_TENSORS = "metrics/";

    /** This state as the model file's "training" metadata section. */
    public Map<String, Object> metadata() {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("epoch", position.epoch());
        section.put("batches_done", position.batchesDone());
        section.put("metrics", statesJson(position.metrics()));
        section.put("stop_requested", stopRequested);
        section.put("global_step", globalStep);
        section.put("backup_batches", backupBatches);
        section.put("batches_per_epoch", batchesPerEpoch);
        section.put("random", "shuffle order = f(dataset seed, pass); training steps draw no random numbers");
        section.put("callbacks", statesJson(callbacks));
        return Map.of(SECTION, section);
    }

    /** The metrics' and callbacks' tensors, named as the file stores them. */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        addTensors(position.metrics(), METRIC_TENSORS, tensors);
        addTensors(callbacks, CALLBACK_TENSORS, tensors);
        return tensors;
    }

    private static Map<String, Object> statesJson(Map<String, PartState> states) {
        Map<String, Object> json = new LinkedHashMap<>();
        states.forEach((name, state) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("values", state.values());
            entry.put("tensors", List.copyOf(state.tensors().keySet()));
            json.put(name, entry);
        });
        return json;
    }

    private static void addTensors(Map<String, PartState> states, String prefix, Map<String, Tensor> tensors) {
        states.forEach((name, state) -> state.tensors().forEach((key, tensor) -> tensors.put(prefix + name + "/" + key, tensor)));
    }

    /** The batches per epoch of a file's training state, read from its metadata alone; empty when it has none. */
    static OptionalLong batchesPerEpoch(MetadataSection metadata) throws CheckpointFormatException {
        Optional<MetadataSection> section = metadata.optionalObject(SECTION);
        return section.isEmpty() ? OptionalLong.empty()
                : OptionalLong.of(section.get().integer("batches_per_epoch", -1, Long.MAX_VALUE));
    }

    /**
     * The training state of a file, empty when it has none; a malformed one names the field.
     * Schema 1 stored the loss and accuracy sums as loss_sum, examples and correct, and a
     * callback's tensors by count: both are read into today's form.
     */
    static Optional<TrainingState> of(MetadataSection metadata, Map<String, Tensor> tensors, long schema, Path path)
            throws CheckpointFormatException {
        Optional<MetadataSection> optional = metadata.optionalObject(SECTION);
        if (optional.isEmpty()) {
            return Optional.empty();
        }
        MetadataSection section = optional.get();
        int epoch = section.intValue("epoch", 0, Integer.MAX_VALUE);
        int batchesDone = section.intValue("batches_done", 0, Integer.MAX_VALUE);
        Map<String, PartState> metrics = schema == 1 ? schemaOneMetrics(section)
                : states(section.object("metrics"), METRIC_TENSORS, tensors, schema);
        return Optional.of(new TrainingState(new FitPosition(epoch, batchesDone, metrics), section.bool("stop_requested"),
                section.integer("global_step", 0, Long.MAX_VALUE), section.integer("backup_batches", 0, Long.MAX_VALUE),
                section.integer("batches_per_epoch", -1, Long.MAX_VALUE),
                states(section.object("callbacks"), CALLBACK_TENSORS, tensors, schema)));
    }

    /** Schema 1's running sums as the states of the loss and the accuracy (both means over the examples). */
    private static Map<String, PartState> schemaOneMetrics(MetadataSection section) throws CheckpointFormatException {
        long examples = section.integer("examples", 0, Long.MAX_VALUE);
        long correct = section.integer("correct", 0, examples);
        Map<String, PartState> metrics = new LinkedHashMap<>();
        metrics.put("loss", mean(PartState.storable(section.storedDouble("loss_sum")), examples));
        metrics.put("accuracy", mean(correct, examples));
        return metrics;
    }

    private static PartState mean(Object total, long count) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("total", total);
        values.put("count", (double) count);
        return new PartState(values);
    }

    /** Named states: their plain values, and tensors {@code prefix<name>/<tensor>} (schema 1: a count, tensors numbered). */
    private static Map<String, PartState> states(MetadataSection states, String prefix, Map<String, Tensor> tensors, long schema)
            throws CheckpointFormatException {
        Map<String, PartState> read = new LinkedHashMap<>();
        for (String name : states.keys()) {
            MetadataSection state = states.object(name);
            List<String> tensorNames = schema == 1 ? numbered(state.intValue("tensors", 0, tensors.size()))
                    : strings(state, "tensors");
            Map<String, Tensor> stateTensors = new LinkedHashMap<>();
            for (String tensorName : tensorNames) {
                Tensor tensor = tensors.get(prefix + name + "/" + tensorName);
                if (tensor == null) {
                    throw state.invalid("tensors", state.rawValue("tensors"), "names of tensors " + JsonValues.shortened(prefix + name)
                            + "/<name> in the file (" + JsonValues.describe(tensorName) + " is missing)");
                }
                stateTensors.put(tensorName, tensor);
            }
            read.put(name, new PartState(values(state.object("values")), stateTensors));
        }
        return read;
    }

    private static List<String> numbered(int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(Integer::toString).toList();
    }

    private static List<String> strings(MetadataSection state, String key) throws CheckpointFormatException {
        List<?> list = state.list(key);
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String)) {
                throw state.invalidItem(key, i, list.get(i), "a tensor name");
            }
        }
        return list.stream().map(String.class::cast).toList();
    }

    /** A state's stored values: strings, booleans, numbers and lists of them (what PartState holds). */
    private static Map<String, Object> values(MetadataSection values) throws CheckpointFormatException {
        for (String key : values.keys()) {
            Object value = values.rawValue(key);
            boolean plain = isPlain(value) || value instanceof List<?> list && list.stream().allMatch(TrainingState::isPlain);
            if (!plain) {
                throw values.invalid(key, value, "a string, a number, true or false, or a list of them");
            }
        }
        return values.raw();
    }

    private static boolean isPlain(Object value) {
        return value instanceof String || value instanceof Number || value instanceof Boolean;
    }
}
