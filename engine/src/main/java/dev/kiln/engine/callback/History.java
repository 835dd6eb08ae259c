package dev.kiln.engine.callback;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Records every epoch's logs: {@code history().get("val_loss")} has one value per finished epoch. */
public final class History implements Callback {
    private final Map<String, List<Double>> history = new LinkedHashMap<>();
    private final List<Integer> epochs = new ArrayList<>();
    private FitParameters parameters;

    @Override
    public void setContext(TrainingContext context, FitParameters parameters) {
        this.parameters = parameters;
    }

    @Override
    public void onEpochEnd(int epoch, Logs logs) {
        epochs.add(epoch);
        logs.asMap().forEach((name, value) -> history.computeIfAbsent(name, key -> new ArrayList<>()).add(value));
    }

    public Map<String, List<Double>> history() {
        return Collections.unmodifiableMap(history);
    }

    /** The 0-based indices of the epochs recorded. */
    public List<Integer> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    public FitParameters parameters() {
        return parameters;
    }
}
