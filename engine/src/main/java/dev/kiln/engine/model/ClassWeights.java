package dev.kiln.engine.model;

import java.util.Map;

/** Keras' class_weight applied to a training batch: each sample weight times its class's weight. */
final class ClassWeights {
    private ClassWeights() {}

    static LabeledBatch apply(LabeledBatch batch, Map<Integer, Double> classWeight) {
        if (classWeight.isEmpty()) {
            return batch;
        }
        float[] weights = batch.weights().clone();
        for (int i = 0; i < weights.length; i++) {
            Double weight = classWeight.get(classOf(batch, i));
            if (weight != null) {
                weights[i] = (float) (weights[i] * weight);
            }
        }
        return batch.withWeights(weights);
    }

    /** Example i's class: its label or class index (rounded, as Keras casts), or its one-hot row's argmax. */
    private static int classOf(LabeledBatch batch, int i) {
        int width = batch.targetWidth();
        float[] targets = batch.targets();
        if (width == 1) {
            return Math.round(targets[i]);
        }
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (targets[i * width + j] > targets[i * width + best]) {
                best = j;
            }
        }
        return best;
    }
}
