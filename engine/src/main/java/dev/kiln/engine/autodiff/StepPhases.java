package dev.kiln.engine.autodiff;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a training step's time goes, for benchmarks: nanoseconds added up per {@link Phase}
 * over every step and thread that ran while it was attached (see the engine's
 * {@code withPhases}). {@link #off()} measures nothing and costs nothing.
 */
public final class StepPhases {
    /** What is timed; the LSTM's four parts are thread time (its two directions run at once), the rest wall time. */
    public enum Phase {
        /** The LSTM's input side: the table projection or per-token GEMMs, and their gradients (dW, dE or dX). */
        INPUT_SIDE,
        /** The LSTM's sequential forward steps: h U and the cell. */
        RECURRENCE_FORWARD,
        /** The LSTM's backward steps through time: the cell's gradient and dz U^T. */
        RECURRENCE_BACKWARD,
        /** The LSTM's recurrent weight gradients: dU and db. */
        WEIGHT_GRADIENTS,
        /** Wall time of the LSTM operations' forward passes (added over shards). */
        LSTM_FORWARD_WALL,
        /** Wall time of the LSTM operations' backward passes (added over shards). */
        LSTM_BACKWARD_WALL,
        /** Wall time of the model's forward and backward passes with the loss (all shards, in parallel). */
        MODEL_WALL,
        /** Each shard's forward and backward time with the loss, added over shards (thread time). */
        SHARDS,
        /** Wall time of adding the shards' gradients and the optimizer's update. */
        OPTIMIZER_WALL
    }

    /** An LSTM operation's shape, which tells the layers of a stacked model apart. */
    public record LstmLayer(boolean bidirectional, int inputs, int units) {
        @Override
        public String toString() {
            return (bidirectional ? "bidirectional, " : "") + inputs + " inputs, " + units + " units";
        }
    }

    private final LongAdder[] nanos;
    /** Per LSTM layer, in the order first timed: its forward and backward wall time. */
    private final Map<LstmLayer, LongAdder[]> layers = new LinkedHashMap<>();

    private StepPhases(boolean on) {
        nanos = on ? new LongAdder[Phase.values().length] : null;
        if (on) {
            for (int p = 0; p < nanos.length; p++) {
                nanos[p] = new LongAdder();
            }
        }
    }

    /** A timer that adds up. */
    public static StepPhases measuring() {
        return new StepPhases(true);
    }

    /** A timer that measures nothing. */
    public static StepPhases off() {
        return new StepPhases(false);
    }

    /** A start time for {@link #stop}, or 0 when off. */
    public long start() {
        return nanos == null ? 0 : System.nanoTime();
    }

    /** Adds the time since {@code start} to {@code phase}. */
    public void stop(Phase phase, long start) {
        if (nanos != null) {
            nanos[phase.ordinal()].add(System.nanoTime() - start);
        }
    }

    /**
     * Adds the time since {@code start} to {@link Phase#LSTM_FORWARD_WALL} or
     * {@link Phase#LSTM_BACKWARD_WALL}, and to {@code layer}'s own forward or backward time.
     */
    public void stopLstm(LstmLayer layer, boolean backward, long start) {
        if (nanos != null) {
            long elapsed = System.nanoTime() - start;
            nanos[(backward ? Phase.LSTM_BACKWARD_WALL : Phase.LSTM_FORWARD_WALL).ordinal()].add(elapsed);
            LongAdder[] times;
            synchronized (layers) {
                times = layers.computeIfAbsent(layer, key -> new LongAdder[] {new LongAdder(), new LongAdder()});
            }
            times[backward ? 1 : 0].add(elapsed);
        }
    }

    /** Each LSTM layer's forward and backward milliseconds so far, in the order the layers were first timed. */
    public Map<LstmLayer, double[]> lstmLayerMillis() {
        Map<LstmLayer, double[]> millis = new LinkedHashMap<>();
        synchronized (layers) {
            layers.forEach((layer, times) -> millis.put(layer, new double[] {times[0].sum() / 1e6, times[1].sum() / 1e6}));
        }
        return millis;
    }

    /** Milliseconds added up so far in {@code phase}. */
    public double millis(Phase phase) {
        return nanos == null ? 0 : nanos[phase.ordinal()].sum() / 1e6;
    }

    /** Sets every phase's time back to zero. */
    public void reset() {
        if (nanos != null) {
            for (LongAdder adder : nanos) {
                adder.reset();
            }
            synchronized (layers) {
                layers.clear();
            }
        }
    }
}
