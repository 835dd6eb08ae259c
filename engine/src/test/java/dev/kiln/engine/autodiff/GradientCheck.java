package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks analytic gradients against central finite differences, so each op's test is one line.
 *
 * <p>The function's output is reduced to one number L = sum_i w_i * out_i with fixed random
 * weights w, in double precision, so every output element matters and no float summation noise
 * is added. The analytic side back-propagates the seed w; the numeric side evaluates
 * (L(x + h) - L(x - h)) / 2h per input element on an inference tape. The forward pass itself is
 * float32, so the comparison allows |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|).
 */
public final class GradientCheck {
    public static final double STEP = 1e-2;
    public static final double ABSOLUTE_TOLERANCE = 2e-3;
    public static final double RELATIVE_TOLERANCE = 1e-2;

    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());

    private GradientCheck() {}

    /** Asserts that {@code function}'s gradients with respect to every input match finite differences. */
    public static void assertGradients(String name, BiFunction<Ops, List<Variable>, Variable> function, Tensor... inputs) {
        // Analytic gradients.
        List<Variable> parameters = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            parameters.add(Variable.parameter(inputs[i].copy(), "input" + i));
        }
        Tape tape = Tape.recording();
        Variable output = function.apply(new Ops(KERNELS, tape), parameters);
        double[] weights = projectionWeights(output.value().size());
        float[] seed = new float[weights.length];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (float) weights[i];
        }
        tape.backward(output, Tensor.wrap(seed, output.shape()));

        // Numeric gradients, one input element at a time.
        for (int which = 0; which < inputs.length; which++) {
            float[] analytic = parameters.get(which).grad().data();
            for (int element = 0; element < inputs[which].size(); element++) {
                double numeric = centralDifference(function, inputs, which, element, weights);
                double tolerance = ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * Math.max(Math.abs(analytic[element]), Math.abs(numeric));
                int input = which;
                int at = element;
                assertTrue(Math.abs(analytic[element] - numeric) <= tolerance,
                        () -> name + ": gradient of input " + input + " " + inputs[input].shape() + " at element " + at
                                + ": analytic " + analytic[at] + ", finite difference " + numeric);
            }
        }
    }

    /**
     * Like {@link #assertGradients} for tensors a model already owns (a layer's parameters):
     * {@code forward} builds the output from them on the given ops, and each element of each
     * parameter is perturbed in place for the finite differences, then restored.
     */
    public static void assertParameterGradients(String name, java.util.function.Function<Ops, Variable> forward,
                                                List<Variable> parameters) {
        for (Variable parameter : parameters) {
            parameter.zeroGrad();
        }
        Tape tape = Tape.recording();
        Variable output = forward.apply(new Ops(KERNELS, tape));
        double[] weights = projectionWeights(output.value().size());
        float[] seed = new float[weights.length];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (float) weights[i];
        }
        tape.backward(output, Tensor.wrap(seed, output.shape()));
        for (Variable parameter : parameters) {
            float[] analytic = parameter.grad().data().clone();
            float[] data = parameter.data();
            for (int element = 0; element < data.length; element++) {
                float original = data[element];
                data[element] = (float) (original + STEP);
                double plus = project(forward.apply(new Ops(KERNELS, Tape.inference())), weights);
                data[element] = (float) (original - STEP);
                double minus = project(forward.apply(new Ops(KERNELS, Tape.inference())), weights);
                data[element] = original;
                double numeric = (plus - minus) / ((double) (float) (original + STEP) - (float) (original - STEP));
                double tolerance = ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * Math.max(Math.abs(analytic[element]), Math.abs(numeric));
                int at = element;
                assertTrue(Math.abs(analytic[element] - numeric) <= tolerance,
                        () -> name + ": gradient of " + parameter.name() + " " + parameter.shape() + " at element " + at
                                + ": analytic " + analytic[at] + ", finite difference " + numeric);
            }
            parameter.zeroGrad();
        }
    }

    private static double project(Variable output, double[] weights) {
        float[] out = output.data();
        double total = 0;
        for (int i = 0; i < out.length; i++) {
            total += weights[i] * out[i];
        }
        return total;
    }

    private static double centralDifference(BiFunction<Ops, List<Variable>, Variable> function, Tensor[] inputs,
                                            int which, int element, double[] weights) {
        float original = inputs[which].data()[element];
        inputs[which].data()[element] = (float) (original + STEP);
        double plus = projectedOutput(function, inputs, weights);
        inputs[which].data()[element] = (float) (original - STEP);
        double minus = projectedOutput(function, inputs, weights);
        inputs[which].data()[element] = original;
        double actualStep = ((double) (float) (original + STEP) - (float) (original - STEP));
        return (plus - minus) / actualStep;
    }

    private static double projectedOutput(BiFunction<Ops, List<Variable>, Variable> function, Tensor[] inputs,
                                          double[] weights) {
        List<Variable> constants = new ArrayList<>();
        for (Tensor input : inputs) {
            constants.add(Variable.constant(input));
        }
        float[] out = function.apply(new Ops(KERNELS, Tape.inference()), constants).data();
        double total = 0;
        for (int i = 0; i < out.length; i++) {
            total += weights[i] * out[i];
        }
        return total;
    }

    private static double[] projectionWeights(int n) {
        Random random = new Random(12345);
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            weights[i] = 0.5 + random.nextDouble();
        }
        return weights;
    }

    /** A tensor of uniform values in [low, high), seeded. */
    public static Tensor random(Random random, float low, float high, int... dims) {
        Tensor tensor = Tensor.zeros(dims);
        float[] data = tensor.data();
        for (int i = 0; i < data.length; i++) {
            data[i] = low + (high - low) * random.nextFloat();
        }
        return tensor;
    }

    /** Like {@link #random} but every value has |x| >= 0.1, away from relu's kink. */
    public static Tensor awayFromZero(Random random, int... dims) {
        Tensor tensor = random(random, 0.1f, 2f, dims);
        float[] data = tensor.data();
        for (int i = 0; i < data.length; i++) {
            if (random.nextBoolean()) {
                data[i] = -data[i];
            }
        }
        return tensor;
    }
}
