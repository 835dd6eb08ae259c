package dev.kiln.engine.metric;

import dev.kiln.engine.part.PartState;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weighted true/false positives and negatives at one threshold, over every output of every
 * example (Keras flattens them; a non-zero target is positive, an output above the threshold -
 * compared in float32, strictly - is predicted positive, and an example's weight counts for each
 * of its outputs). The state of Precision and Recall.
 */
final class ThresholdCounts {
    private final float threshold;
    private double truePositives;
    private double falsePositives;
    private double falseNegatives;

    ThresholdCounts(double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("a threshold must be in [0, 1], got " + threshold);
        }
        this.threshold = (float) threshold;
    }

    void update(Predictions batch) {
        int width = batch.width();
        for (int i = 0; i < batch.size(); i++) {
            double weight = batch.weights()[i];
            for (int j = 0; j < width; j++) {
                boolean predicted = batch.outputs()[i * width + j] > threshold;
                boolean actual = batch.targets()[i * batch.targetWidth() + j] != 0;
                if (predicted && actual) {
                    truePositives += weight;
                } else if (predicted) {
                    falsePositives += weight;
                } else if (actual) {
                    falseNegatives += weight;
                }
            }
        }
    }

    double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    /** a / b, 0 when b is 0 (Keras' divide_no_nan). */
    static double ratio(double a, double b) {
        return b == 0 ? 0 : a / b;
    }

    void reset() {
        truePositives = 0;
        falsePositives = 0;
        falseNegatives = 0;
    }

    PartState state() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("true_positives", truePositives);
        values.put("false_positives", falsePositives);
        values.put("false_negatives", falseNegatives);
        return new PartState(values);
    }

    void restore(PartState state) {
        truePositives = state.getDouble("true_positives");
        falsePositives = state.getDouble("false_positives");
        falseNegatives = state.getDouble("false_negatives");
    }
}
