package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.callback.CallbackState;
import dev.kiln.engine.callback.FitPosition;
import dev.kiln.engine.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a fit stood when it was saved, as the "training" metadata section of a model file and
 * the tensors {@code callbacks/<state name>/<i>}: the fit position (epoch, batches done, running
 * loss and accuracy sums; epoch and batches done are also the data position: pass = epoch, that
 * many batches skipped), whether a stop was requested, the optimizer's global step, the batches per
 * epoch (-1 if unknown, to recognize the same pipeline) and every stateful callback's state.
 *
 * <p>Random state: the shuffle order of pass n is a function of the dataset's seed and n, and a
 * training step draws no random numbers, so the position is the whole random state; the section
 * says so rather than storing generator words that would never be read.
 */
public record TrainingState(FitPosition position, boolean stopRequested, long globalStep, long backupBatches,
                            long batchesPerEpoch, Map<String, CallbackState> callbacks) {

    static final String SECTION = "training";
    private static final String TENSOR_PREFIX = "callbacks/";

    public Map<String, Object> metadata() {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("epoch", position.epoch());
        section.put("batches_done", position.batchesDone());
        section.put("loss_sum", position.lossSum());
        section.put("examples", position.examples());
        section.put("correct", position.correct());
        section.put("stop_requested", stopRequested);
        section.put("global_step", globalStep);
        section.put("backup_batches", backupBatches);
        section.put("batches_per_epoch", batchesPerEpoch);
        section.put("random", "shuffle order = f(dataset seed, pass); training steps draw no random numbers");
        Map<String, Object> states = new LinkedHashMap<>();
        callbacks.forEach((name, state) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("values", state.values());
            entry.put("tensors", state.tensors().size());
            states.put(name, entry);
        });
        section.put("callbacks", states);
        return Map.of(SECTION, section);
    }

    public Map<String, Tensor> tensors() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        callbacks.forEach((name, state) -> {
            for (int i = 0; i < state.tensors().size(); i++) {
                tensors.put(TENSOR_PREFIX + name + "/" + i, state.tensors().get(i));
            }
        });
        return tensors;
    }

    /** The training state of a loaded file, or null when the file has none; a malformed one names the field. */
    @SuppressWarnings("unchecked")
    public static TrainingState of(ModelFile.Extras extras, Path path) throws CheckpointFormatException {
        Object raw = extras.metadata().get(SECTION);
        if (raw == null) {
            return null;
        }
        try {
            Map<String, Object> section = (Map<String, Object>) raw;
            FitPosition position = new FitPosition(integer(section, "epoch"), integer(section, "batches_done"),
                    ((Number) section.get("loss_sum")).doubleValue(), longValue(section, "examples"), longValue(section, "correct"));
            Map<String, CallbackState> states = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : ((Map<String, Object>) section.get("callbacks")).entrySet()) {
                Map<String, Object> state = (Map<String, Object>) entry.getValue();
                int count = integer(state, "tensors");
                List<Tensor> tensors = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    Tensor tensor = extras.tensors().get(TENSOR_PREFIX + entry.getKey() + "/" + i);
                    if (tensor == null) {
                        throw new IllegalArgumentException("tensor " + TENSOR_PREFIX + entry.getKey() + "/" + i + " is missing");
                    }
                    tensors.add(tensor);
                }
                states.put(entry.getKey(), new CallbackState((Map<String, Object>) state.get("values"), tensors));
            }
            return new TrainingState(position, (Boolean) section.get("stop_requested"), longValue(section, "global_step"),
                    longValue(section, "backup_batches"), longValue(section, "batches_per_epoch"), states);
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw new CheckpointFormatException(path + ": metadata: training: malformed (" + e.getMessage() + ")");
        }
    }

    private static int integer(Map<String, Object> map, String key) {
        return Math.toIntExact(longValue(map, key));
    }

    private static long longValue(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (!(value instanceof Integer || value instanceof Long)) {
            throw new IllegalArgumentException(key + " should be an integer, found " + value);
        }
        return ((Number) value).longValue();
    }
}
