package dev.kiln.engine.optim;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.json.JsonValues;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartRegistry;
import dev.kiln.engine.part.PartState;
import dev.kiln.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every optimizer does around its own update rule, in Keras 3's order: take the learning rate
 * from the schedule at the current step count, clip the gradients, apply decoupled weight decay,
 * run the rule on each parameter with its slots (Adam's m and v, a momentum...), clear the
 * gradients, count the step. It also keeps the slots and the step count as the optimizer's saved
 * state: values {"iterations": n, "learning_rate": x (a constant rate)}, tensors "slot/parameter name".
 */
public final class OptimizerSteps {

    /**
     * An optimizer's rule for one parameter: update {@code w} from {@code g} and its slots, at step
     * {@code t} (1-based). Runs for several parameters at once: it may write only {@code w} and the slots.
     */
    @FunctionalInterface
    public interface Rule {
        /** Updates one parameter in place. */
        void update(float[] w, float[] g, float[][] slots, float learningRate, long t);
    }

    private LearningRateSchedule schedule;
    private final OptimizerOptions options;
    private final List<String> slotNames;
    private final float slotStart;
    private final List<Tensor[]> slots = new ArrayList<>(); // per parameter, one tensor per slot name
    private final List<float[][]> slotArrays = new ArrayList<>(); // their arrays, as the rule takes them
    private List<String> parameterNames = List.of();
    private Map<String, Tensor> pendingSlots = Map.of(); // restored, checked against the parameters at build
    private long iterations;

    /** Steps at the rates of {@code schedule}, with {@code options}, keeping one slot per name for each parameter. */
    public OptimizerSteps(LearningRateSchedule schedule, OptimizerOptions options, List<String> slotNames) {
        this(schedule, options, slotNames, 0f);
    }

    /** Slots that start at {@code slotStart} rather than zero (Keras' Adagrad accumulator starts at 0.1). */
    public OptimizerSteps(LearningRateSchedule schedule, OptimizerOptions options, List<String> slotNames, float slotStart) {
        this.schedule = schedule;
        this.options = options;
        this.slotNames = List.copyOf(slotNames);
        this.slotStart = slotStart;
    }

    /** The learning-rate schedule. */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    /** The clipping and weight-decay options. */
    public OptimizerOptions options() {
        return options;
    }

    /** Steps taken so far (Keras' iterations). */
    public long iterations() {
        return iterations;
    }

    /** The rate the next step uses. */
    public double learningRate() {
        return schedule.at(iterations);
    }

    /** Sets a constant learning rate (Keras' optimizer.learning_rate = x); a schedule cannot be set so. */
    public void setLearningRate(double rate) {
        requireConstant();
        schedule = LearningRateSchedule.constant(rate);
    }

    private void requireConstant() {
        if (!schedule.isConstant()) {
            throw new IllegalStateException("the learning rate follows a schedule (" + schedule.config().type()
                    + "); it cannot be set to a number");
        }
    }

    /**
     * Creates the slots (zeros) for {@code parameters}, or checks restored ones against them: every
     * slot of every parameter with its shape, none for another parameter.
     */
    public void build(List<Variable> parameters) {
        List<String> names = parameters.stream().map(Variable::name).toList();
        if (!slots.isEmpty() && pendingSlots.isEmpty()) {
            if (!names.equals(parameterNames)) {
                throw new IllegalArgumentException("the optimizer was built for parameters " + parameterNames + ", got " + names);
            }
            return;
        }
        Map<String, Tensor> unused = new LinkedHashMap<>(pendingSlots);
        List<Tensor[]> built = new ArrayList<>();
        for (Variable parameter : parameters) {
            Tensor[] tensors = new Tensor[slotNames.size()];
            for (int s = 0; s < slotNames.size(); s++) {
                String key = slotNames.get(s) + "/" + parameter.name();
                Tensor saved = unused.remove(key);
                if (saved == null && !pendingSlots.isEmpty()) {
                    throw new IllegalArgumentException("the optimizer state has no slot '" + key + "'");
                }
                if (saved != null && !saved.shape().equals(parameter.shape())) {
                    throw new IllegalArgumentException("optimizer slot '" + key + "' has shape " + saved.shape() + "; the parameter has "
                            + parameter.shape());
                }
                tensors[s] = saved == null ? fresh(parameter) : saved.copy();
            }
            built.add(tensors);
        }
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("optimizer slots " + JsonValues.names(unused.keySet())
                    + " match no parameter of the model");
        }
        slots.clear();
        slots.addAll(built);
        slotArrays.clear();
        for (Tensor[] tensors : built) {
            float[][] arrays = new float[tensors.length][];
            for (int s = 0; s < tensors.length; s++) {
                arrays[s] = tensors[s].data();
            }
            slotArrays.add(arrays);
        }
        parameterNames = names;
        pendingSlots = Map.of();
    }

    private Tensor fresh(Variable parameter) {
        Tensor slot = Tensor.zeros(parameter.shape());
        java.util.Arrays.fill(slot.data(), slotStart);
        return slot;
    }

    /** One step over {@code parameters} (the same ones, in the same order, every step). */
    public void step(List<Variable> parameters, Rule rule) {
        try (ComputePool callerOnly = ComputePool.singleThreaded()) {
            step(parameters, rule, callerOnly);
        }
    }

    /**
     * The same, the parameters' updates spread over {@code pool} (one task per parameter: each is
     * updated on one thread, so the result does not depend on the thread count).
     */
    public void step(List<Variable> parameters, Rule rule, ComputePool pool) {
        build(parameters);
        float learningRate = (float) schedule.at(iterations);
        double globalScale = globalClipScale(parameters);
        long t = iterations + 1;
        pool.parallelFor(parameters.size(), p -> update(parameters.get(p), slotArrays.get(p), rule, learningRate, globalScale, t));
        iterations++;
    }

    private void update(Variable parameter, float[][] slots, Rule rule, float learningRate, double globalScale, long t) {
        float[] w = parameter.data();
        float[] g = parameter.grad().data();
        clip(g, globalScale);
        if (options.weightDecay() != 0) {
            float decay = (float) (options.weightDecay() * learningRate);
            for (int i = 0; i < w.length; i++) {
                w[i] -= w[i] * decay;
            }
        }
        rule.update(w, g, slots, learningRate, t);
        parameter.zeroGrad();
    }

    /** global_clipnorm's factor: bound / max(global norm, bound), or 1. */
    private double globalClipScale(List<Variable> parameters) {
        if (options.globalClipnorm().isEmpty()) {
            return 1;
        }
        double squares = 0;
        for (Variable parameter : parameters) {
            squares += sumOfSquares(parameter.grad().data());
        }
        double bound = options.globalClipnorm().getAsDouble();
        return bound / Math.max(Math.sqrt(squares), bound);
    }

    private void clip(float[] g, double globalScale) {
        double scale = globalScale;
        if (options.clipnorm().isPresent()) {
            double bound = options.clipnorm().getAsDouble();
            scale = bound / Math.max(Math.sqrt(sumOfSquares(g)), bound);
        }
        if (scale != 1) {
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) (g[i] * scale);
            }
        }
        if (options.clipvalue().isPresent()) {
            float bound = (float) options.clipvalue().getAsDouble();
            for (int i = 0; i < g.length; i++) {
                g[i] = Math.min(Math.max(g[i], -bound), bound);
            }
        }
    }

    private static double sumOfSquares(float[] values) {
        double sum = 0;
        for (float value : values) {
            sum += (double) value * value;
        }
        return sum;
    }

    /** The step count and every slot, as described in the class comment. */
    public PartState saveState() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int p = 0; p < slots.size(); p++) {
            for (int s = 0; s < slotNames.size(); s++) {
                tensors.put(slotNames.get(s) + "/" + parameterNames.get(p), slots.get(p)[s]);
            }
        }
        tensors.putAll(pendingSlots);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("iterations", iterations);
        if (schedule.isConstant()) { // callbacks may have changed it (ReduceLROnPlateau): part of an exact resume
            values.put("learning_rate", schedule.at(0));
        }
        return new PartState(values, tensors);
    }

    /**
     * Takes a saved step count, learning rate and slots (all checked before any is taken); the slots
     * are checked against the parameters at the next build or step.
     */
    public void restoreState(PartState state) {
        long saved = state.getLong("iterations");
        if (saved < 0) {
            throw new IllegalArgumentException("saved state value 'iterations' should be >= 0, found " + saved);
        }
        LearningRateSchedule savedRate = schedule;
        if (state.values().containsKey("learning_rate")) {
            if (!schedule.isConstant()) {
                throw new IllegalArgumentException("saved state value 'learning_rate' is for a constant rate; this optimizer's"
                        + " rate follows a schedule (" + schedule.config().type() + ")");
            }
            savedRate = LearningRateSchedule.constant(state.getDouble("learning_rate"));
        }
        for (String key : state.tensors().keySet()) {
            if (slotNames.stream().noneMatch(slot -> key.startsWith(slot + "/"))) {
                throw new IllegalArgumentException("optimizer state tensor '" + JsonValues.shortened(key) + "' is no slot of this optimizer (slots: "
                        + slotNames + ")");
            }
        }
        schedule = savedRate;
        iterations = saved;
        slots.clear();
        slotArrays.clear();
        parameterNames = List.of();
        pendingSlots = new LinkedHashMap<>(state.tensors());
    }

    /** The learning rate of a saved config: a number, or a schedule's config rebuilt by {@code schedules}. */
    static LearningRateSchedule learningRate(PartConfig config, double fallback, PartRegistry<LearningRateSchedule> schedules) {
        Object value = config.values().get("learning_rate");
        if (value instanceof PartConfig schedule) {
            return schedules.create(schedule);
        }
        return LearningRateSchedule.constant(config.getDouble("learning_rate", fallback, Double.MIN_VALUE, Double.MAX_VALUE));
    }
}
