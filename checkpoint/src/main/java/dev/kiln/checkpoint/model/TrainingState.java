package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.MetadataSection;
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
    public static TrainingState of(ModelFile.Extras extras, Path path) throws CheckpointFormatException {
        Object raw = extras.metadata().get(SECTION);
        if (raw == null) {
            return null;
        }
        MetadataSection section = MetadataSection.root(raw, path.toString(), "metadata." + SECTION);
        FitPosition position;
        try {
            position = new FitPosition(section.intValue("epoch", 0, Integer.MAX_VALUE),
                    section.intValue("batches_done", 0, Integer.MAX_VALUE), section.storedDouble("loss_sum"),
                    section.integer("examples", 0, Long.MAX_VALUE), section.integer("correct", 0, Long.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw section.error(e.getMessage()); // the position's own rules, e.g. correct <= examples
        }
        Map<String, CallbackState> states = new LinkedHashMap<>();
        MetadataSection callbacks = section.object("callbacks");
        for (String name : callbacks.keys()) {
            MetadataSection state = callbacks.object(name);
            int count = state.intValue("tensors", 0, extras.tensors().size());
            List<Tensor> tensors = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Tensor tensor = extras.tensors().get(TENSOR_PREFIX + name + "/" + i);
                if (tensor == null) {
                    throw state.invalid("tensors", count, "the number of tensors " + TENSOR_PREFIX + name + "/<i> in the file (" + i + ")");
                }
                tensors.add(tensor);
            }
            states.put(name, new CallbackState(values(state.object("values")), tensors));
        }
        return new TrainingState(position, section.bool("stop_requested"), section.integer("global_step", 0, Long.MAX_VALUE),
                section.integer("backup_batches", 0, Long.MAX_VALUE), section.integer("batches_per_epoch", -1, Long.MAX_VALUE),
                states);
    }

    /** A callback's stored values: strings, booleans, numbers and lists of them (what CallbackState holds). */
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
