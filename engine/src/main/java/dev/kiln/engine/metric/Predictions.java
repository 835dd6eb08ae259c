package dev.kiln.engine.metric;

/**
 * A batch of model outputs with the examples' targets and sample weights, as metrics see it:
 * {@code outputs} holds {@code width} values per example, {@code targets} holds
 * {@code targetWidth} (one for a class index or a single label), {@code weights} one per example.
 */
public record Predictions(float[] outputs, int width, float[] targets, int targetWidth, float[] weights) {

    /** Checks that outputs and targets hold width and targetWidth values for each weighted example. */
    public Predictions {
        int n = weights.length;
        if (width < 1 || targetWidth < 1 || outputs.length != n * width || targets.length != n * targetWidth) {
            throw new IllegalArgumentException("predictions: " + n + " examples with " + outputs.length + " outputs (width "
                    + width + ") and " + targets.length + " targets (width " + targetWidth + ")");
        }
    }

    /** The number of examples. */
    public int size() {
        return weights.length;
    }

    /** The index of example {@code i}'s largest output (the first of equal ones, as argmax). */
    public int argmax(int i) {
        return argmax(outputs, i * width, width);
    }

    /** The index of the largest of {@code width} values from {@code offset} (the first of equal ones, as argmax). */
    public static int argmax(float[] values, int offset, int width) {
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (values[offset + j] > values[offset + best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * Whether class {@code target} is among example {@code i}'s {@code k} largest outputs; ties
     * count in its favour (fewer than k outputs are strictly larger), as TensorFlow's in_top_k.
     */
    public boolean inTopK(int i, int target, int k) {
        float value = outputs[i * width + target];
        int larger = 0;
        for (int j = 0; j < width; j++) {
            if (outputs[i * width + j] > value) {
                larger++;
            }
        }
        return larger < k && !Float.isNaN(value);
    }
}
