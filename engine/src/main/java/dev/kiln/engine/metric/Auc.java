package dev.kiln.engine.metric;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' AUC(num_thresholds, curve), summation by interpolation: weighted confusion counts at n
 * thresholds -1e-7, 1/(n-1), ..., (n-2)/(n-1), 1 + 1e-7 (an output counts as positive above a
 * threshold; outputs clipped to [0, 1], every output of an example counted with its weight),
 * accumulated over updates; ROC by the trapezoid rule over (false positive rate, recall), PR by
 * Davis and Goadrich's interpolation. Each output falls in one bucket (Keras' fast path), so an
 * update costs O(outputs + n).
 */
public final class Auc implements Metric {
    /** The Keras class name: the type of this metric's config and its registry key. */
    public static final String TYPE = "AUC";

    private final String name;
    private final int thresholds;
    private final boolean precisionRecall;
    private final double[] positives; // weight of positive outputs per bucket
    private final double[] negatives;

    /** Keras' AUC(num_thresholds, curve) with this name; at least 3 thresholds, curve "ROC" or "PR". */
    public Auc(int thresholds, String curve, String name) {
        if (thresholds < 3) {
            throw new IllegalArgumentException("AUC: num_thresholds must be > 2, got " + thresholds);
        }
        if (!List.of("ROC", "PR").contains(curve)) {
            throw new IllegalArgumentException("AUC: curve must be ROC or PR, got " + curve);
        }
        this.name = name;
        this.thresholds = thresholds;
        this.precisionRecall = curve.equals("PR");
        this.positives = new double[thresholds];
        this.negatives = new double[thresholds];
    }

    /** Keras' defaults: 200 thresholds, ROC. */
    public Auc() {
        this(200, "ROC", "auc");
    }

    /**
     * The metric its config describes (summation_method interpolation only); an unknown key or a bad value is an
     * error naming it.
     */
    public static Auc fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "num_thresholds", "curve", "summation_method"));
        config.getChoice("summation_method", "interpolation", List.of("interpolation"));
        return new Auc(config.getInt("num_thresholds", 200, 3, 1 << 20), config.getChoice("curve", "ROC", List.of("ROC", "PR")),
                config.getName("auc"));
    }

    @Override
    public PartConfig config() {
        return Metric.config(TYPE, name).put("num_thresholds", thresholds).put("curve", precisionRecall ? "PR" : "ROC")
                .put("summation_method", "interpolation").build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void update(Predictions batch) {
        int width = batch.width();
        float scale = thresholds - 1;
        for (int i = 0; i < batch.size(); i++) {
            double weight = batch.weights()[i];
            for (int j = 0; j < width; j++) {
                float p = Math.min(Math.max(batch.outputs()[i * width + j], 0f), 1f);
                int bucket = Math.max((int) Math.ceil(p * scale) - 1, 0); // float32, as Keras
                if (batch.targets()[i * batch.targetWidth() + j] != 0) {
                    positives[bucket] += weight;
                } else {
                    negatives[bucket] += weight;
                }
            }
        }
    }

    @Override
    public double result() {
        double[] tp = new double[thresholds];
        double[] fp = new double[thresholds];
        double tpSum = 0;
        double fpSum = 0;
        for (int b = thresholds - 1; b >= 0; b--) { // threshold i counts the buckets >= i
            tpSum += positives[b];
            fpSum += negatives[b];
            tp[b] = tpSum;
            fp[b] = fpSum;
        }
        double allPositive = tp[0];
        double allNegative = fp[0];
        return precisionRecall ? interpolatedPrecisionRecall(tp, fp, allPositive) : roc(tp, fp, allPositive, allNegative);
    }

    private double roc(double[] tp, double[] fp, double allPositive, double allNegative) {
        double area = 0;
        for (int i = 0; i < thresholds - 1; i++) {
            double recall = ThresholdCounts.ratio(tp[i], allPositive);
            double nextRecall = ThresholdCounts.ratio(tp[i + 1], allPositive);
            double falseRate = ThresholdCounts.ratio(fp[i], allNegative);
            double nextFalseRate = ThresholdCounts.ratio(fp[i + 1], allNegative);
            area += (falseRate - nextFalseRate) * (recall + nextRecall) / 2;
        }
        return area;
    }

    private double interpolatedPrecisionRecall(double[] tp, double[] fp, double allPositive) {
        double area = 0;
        for (int i = 0; i < thresholds - 1; i++) {
            double predicted = tp[i] + fp[i];
            double nextPredicted = tp[i + 1] + fp[i + 1];
            double dTruePositives = tp[i] - tp[i + 1];
            double dPredicted = predicted - nextPredicted;
            double slope = ThresholdCounts.ratio(dTruePositives, Math.max(dPredicted, 0));
            double intercept = tp[i + 1] - slope * nextPredicted;
            double ratio = predicted > 0 && nextPredicted > 0 ? predicted / nextPredicted : 1;
            double falseNegatives = allPositive - tp[i + 1];
            area += ThresholdCounts.ratio(slope * (dTruePositives + intercept * Math.log(ratio)),
                    Math.max(tp[i + 1] + falseNegatives, 0));
        }
        return area;
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(positives, 0);
        java.util.Arrays.fill(negatives, 0);
    }

    @Override
    public PartState saveState() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("positives", list(positives));
        values.put("negatives", list(negatives));
        return new PartState(values);
    }

    @Override
    public void restoreState(PartState state) {
        restore(state, "positives", positives);
        restore(state, "negatives", negatives);
    }

    private static List<Double> list(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double value : values) {
            list.add(value);
        }
        return list;
    }

    private void restore(PartState state, String key, double[] into) {
        List<?> saved = state.getList(key);
        if (saved.size() != thresholds) {
            throw new IllegalArgumentException("saved state value '" + key + "' should hold " + thresholds + " numbers, found "
                    + saved.size());
        }
        for (int b = 0; b < thresholds; b++) {
            into[b] = PartState.number(saved.get(b), key);
        }
    }
}
