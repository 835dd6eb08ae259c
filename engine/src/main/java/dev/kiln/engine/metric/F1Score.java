package dev.kiln.engine.metric;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' F1Score(average, threshold): outputs binarised (with no threshold, every output equal to
 * its row's largest and non-zero is 1; with one, outputs above it), then weighted true positives,
 * false positives, false negatives and support per class ("micro": over all outputs at once);
 * per class precision, recall and F1 with Keras' 1e-7 in each denominator; the result is their
 * mean ("micro", "macro") or support-weighted mean ("weighted"). Keras' default average=None
 * gives one value per class, which Kiln's scalar logs cannot hold: Kiln's default is "macro".
 */
public final class F1Score implements Metric {
    /** The Keras class name: the type of this metric's config and its registry key. */
    public static final String TYPE = "F1Score";
    private static final double EPSILON = 1e-7;
    private static final List<String> AVERAGES = List.of("micro", "macro", "weighted");

    private final String name;
    private final String average;
    private final float threshold; // NaN: none (the row's largest output)
    private double[] truePositives = new double[0];
    private double[] falsePositives = new double[0];
    private double[] falseNegatives = new double[0];
    private double[] support = new double[0];

    /** Keras' F1Score(average, threshold) with this name; a NaN threshold is Keras' None (the row's largest output). */
    public F1Score(String average, double threshold, String name) {
        if (!AVERAGES.contains(average)) {
            throw new IllegalArgumentException("F1Score: average must be one of " + AVERAGES + ", got " + average);
        }
        if (!Double.isNaN(threshold) && !(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("F1Score: threshold must be in (0, 1], got " + threshold);
        }
        this.name = name;
        this.average = average;
        this.threshold = (float) threshold;
    }

    /** No threshold: the largest output of each example is its prediction. */
    public F1Score(String average) {
        this(average, Double.NaN, "f1_score");
    }

    /** The metric its config describes; an unknown key or a bad value is an error naming it. */
    public static F1Score fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "average", "threshold"));
        return new F1Score(config.getChoice("average", "macro", AVERAGES), config.getDouble("threshold", Double.NaN, 0, 1),
                config.getName("f1_score"));
    }

    @Override
    public PartConfig config() {
        PartConfig.Builder builder = Metric.config(TYPE, name).put("average", average);
        if (!Float.isNaN(threshold)) {
            builder.put("threshold", (double) threshold);
        }
        return builder.build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void update(Predictions batch) {
        int width = batch.width();
        int classes = average.equals("micro") ? 1 : width;
        if (truePositives.length == 0) {
            allocate(classes);
        } else if (truePositives.length != classes) {
            throw new IllegalArgumentException("F1Score was updated with " + truePositives.length + " classes, now " + width);
        }
        for (int i = 0; i < batch.size(); i++) {
            double weight = batch.weights()[i];
            float rowMax = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) {
                rowMax = Math.max(rowMax, batch.outputs()[i * width + j]);
            }
            for (int j = 0; j < width; j++) {
                float output = batch.outputs()[i * width + j];
                boolean predicted = Float.isNaN(threshold) ? output >= rowMax && Math.abs(output) > 1e-9 : output > threshold;
                double actual = batch.targets()[i * batch.targetWidth() + j];
                int c = classes == 1 ? 0 : j;
                truePositives[c] += predicted ? weight * actual : 0;
                falsePositives[c] += predicted ? weight * (1 - actual) : 0;
                falseNegatives[c] += predicted ? 0 : weight * actual;
                support[c] += weight * actual;
            }
        }
    }

    private void allocate(int classes) {
        truePositives = new double[classes];
        falsePositives = new double[classes];
        falseNegatives = new double[classes];
        support = new double[classes];
    }

    @Override
    public double result() {
        int classes = truePositives.length;
        double totalSupport = 0;
        for (double s : support) {
            totalSupport += s;
        }
        double result = 0;
        for (int c = 0; c < classes; c++) {
            double precision = truePositives[c] / (truePositives[c] + falsePositives[c] + EPSILON);
            double recall = truePositives[c] / (truePositives[c] + falseNegatives[c] + EPSILON);
            double f1 = 2 * precision * recall / (precision + recall + EPSILON);
            result += average.equals("weighted") ? f1 * support[c] / (totalSupport + EPSILON) : f1 / classes;
        }
        return result;
    }

    @Override
    public void reset() {
        allocate(truePositives.length);
    }

    @Override
    public PartState saveState() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("true_positives", list(truePositives));
        values.put("false_positives", list(falsePositives));
        values.put("false_negatives", list(falseNegatives));
        values.put("support", list(support));
        return new PartState(values);
    }

    @Override
    public void restoreState(PartState state) {
        double[] tp = array(state, "true_positives");
        double[] fp = array(state, "false_positives");
        double[] fn = array(state, "false_negatives");
        double[] s = array(state, "support");
        if (fp.length != tp.length || fn.length != tp.length || s.length != tp.length) {
            throw new IllegalArgumentException("saved F1Score counts have different numbers of classes");
        }
        truePositives = tp;
        falsePositives = fp;
        falseNegatives = fn;
        support = s;
    }

    private static List<Double> list(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double value : values) {
            list.add(value);
        }
        return list;
    }

    private static double[] array(PartState state, String key) {
        List<?> saved = state.getList(key);
        double[] values = new double[saved.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = PartState.number(saved.get(i), key);
        }
        return values;
    }
}
