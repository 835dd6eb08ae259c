package dev.kiln.engine.model;

import dev.kiln.engine.metric.Predictions;

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
        return width == 1 ? Math.round(batch.targets()[i]) : Predictions.argmax(batch.targets(), i * width, width);
    }
}
