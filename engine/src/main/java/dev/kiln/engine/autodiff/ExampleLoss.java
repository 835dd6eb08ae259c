package dev.kiln.engine.autodiff;

/**
 * A loss computed example by example from the example's output row and target row: Keras'
 * losses are all of this form (an element-wise or row-wise function, averaged over the last axis).
 */
@FunctionalInterface
public interface ExampleLoss {

    /**
     * The loss of one example with {@code width} outputs at {@code outputs[outputOffset...]} and
     * its targets at {@code targets[targetOffset...]}; writes the derivative of that loss by each
     * output into {@code gradient[gradientOffset...]} (width values). A target the loss cannot take
     * is an IllegalArgumentException saying what is allowed; a NaN output gives a NaN loss.
     */
    double example(float[] outputs, int outputOffset, int width, float[] targets, int targetOffset, float[] gradient,
                   int gradientOffset);
}
