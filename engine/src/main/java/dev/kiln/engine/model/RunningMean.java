package dev.kiln.engine.model;

/** A mean weighted by batch size, as Keras' Mean metric tracks the loss over an epoch. */
final class RunningMean {
    private double total;
    private long count;

    void add(double value, int weight) {
        total += value * weight;
        count += weight;
    }

    double result() {
        return count == 0 ? 0 : total / count;
    }

    double total() {
        return total;
    }

    long count() {
        return count;
    }

    /** Continues from a saved total and count (a resumed epoch). */
    void restore(double savedTotal, long savedCount) {
        total = savedTotal;
        count = savedCount;
    }

    void reset() {
        total = 0;
        count = 0;
    }
}
