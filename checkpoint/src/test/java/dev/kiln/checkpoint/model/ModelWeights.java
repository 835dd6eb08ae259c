package dev.kiln.checkpoint.model;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.model.Sequential;

/** Every weight of a model in one array, parameter after parameter: to compare two models exactly. */
final class ModelWeights {
    private ModelWeights() {}

    static float[] flattened(Sequential model) {
        int size = 0;
        for (Variable parameter : model.parameters()) {
            size += parameter.data().length;
        }
        float[] all = new float[size];
        int at = 0;
        for (Variable parameter : model.parameters()) {
            float[] values = parameter.data();
            System.arraycopy(values, 0, all, at, values.length);
            at += values.length;
        }
        return all;
    }
}
