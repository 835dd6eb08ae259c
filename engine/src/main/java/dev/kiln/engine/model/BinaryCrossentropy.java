package dev.kiln.engine.model;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;

/**
 * Keras' BinaryCrossentropy(from_logits=True): the model outputs logits and the loss is the
 * batch mean of max(x, 0) - x z + log(1 + e^-|x|). (Only the logits form exists: a model that
 * outputs probabilities should drop its final sigmoid and use this, which is the stable form.)
 */
public final class BinaryCrossentropy {

    public String name() {
        return "binary_crossentropy";
    }

    /** Summed over the given examples and divided by {@code batchSize}, the size of the whole batch. */
    public Variable compute(Ops ops, Variable logits, float[] labels, int batchSize) {
        return ops.binaryCrossEntropyWithLogits(logits, labels, batchSize);
    }
}
