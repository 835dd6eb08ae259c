package dev.kiln.engine.callback;

import dev.kiln.engine.part.PartState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Records every epoch's logs: {@code history().get("val_loss")} has one value per finished epoch. */
public final class History implements StatefulCallback {
    private final Map<String, List<Double>> history = new LinkedHashMap<>();
    private final List<Integer> epochs = new ArrayList<>();
    private FitParameters parameters;

    /** An empty history; {@code fit} makes its own and returns it, so a user rarely needs this. */
    public History() {}

    @Override
    public void setContext(TrainingContext context, FitParameters parameters) {
        this.parameters = parameters;
    }

    @Override
    public void onEpochEnd(int epoch, Logs logs) {
        epochs.add(epoch);
        logs.asMap().forEach((name, value) -> history.computeIfAbsent(name, key -> new ArrayList<>()).add(value));
    }

    /** Each logged value (loss, accuracy, val_loss, ...) with one entry per recorded epoch, in log order. */
    public Map<String, List<Double>> history() {
        return Collections.unmodifiableMap(history);
    }

    /** The 0-based indices of the epochs recorded. */
    public List<Integer> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** The run's parameters (verbosity, epochs, steps per epoch), or null before fit sets them. */
    public FitParameters parameters() {
        return parameters;
    }

    @Override
    public String stateName() {
        return "History";
    }

    @Override
    public PartState saveState() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("epochs", List.copyOf(epochs));
        history.forEach((name, series) -> values.put("logs/" + name, series.stream().map(PartState::storable).toList()));
        return new PartState(values);
    }

    @Override
    public void restoreState(PartState state) {
        epochs.clear();
        history.clear();
        for (Object epoch : state.getList("epochs")) {
            epochs.add(((Number) epoch).intValue());
        }
        for (String key : state.values().keySet()) {
            if (key.startsWith("logs/")) {
                List<Double> series = new ArrayList<>();
                for (Object value : state.getList(key)) {
                    series.add(PartState.number(value, key));
                }
                history.put(key.substring("logs/".length()), series);
            }
        }
    }
}
