package dev.kiln.engine.optim;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** An optimizer step spread over two threads updates every parameter to the same bits as on one. */
class OptimizerThreadsProperties {

    @Property(tries = 40)
    void twoThreadsGiveTheSameBitsAsOne(@ForAll @IntRange(min = 1, max = 7) int parameterCount,
                                        @ForAll @IntRange(min = 0, max = 4) int kind,
                                        @ForAll long seed) {
        OptimizerOptions options = OptimizerOptions.named("optimizer").withClipnorm(0.5).withWeightDecay(0.01);
        LearningRateSchedule rate = LearningRateSchedule.constant(1e-2);
        List<Supplier<SteppedOptimizer>> kinds = List.of(
                () -> new Adam(rate, 0.9, 0.999, 1e-7, true, options),
                () -> new AdamW(rate, 0.9, 0.999, 1e-7, false, options),
                () -> new Sgd(rate, 0.9, true, options),
                () -> new RmsProp(rate, 0.9, 0.5, 1e-7, true, options),
                () -> new Adagrad(rate, 0.1, 1e-7, options));
        List<Variable> one = parameters(parameterCount, seed);
        List<Variable> two = parameters(parameterCount, seed);
        SteppedOptimizer serial = kinds.get(kind).get();
        SteppedOptimizer parallel = kinds.get(kind).get();
        try (ComputePool single = ComputePool.singleThreaded(); ComputePool pool = ComputePool.withThreads(2)) {
            for (int step = 0; step < 3; step++) {
                addGradients(one, seed + step);
                addGradients(two, seed + step);
                serial.step(one, single);
                parallel.step(two, pool);
            }
        }
        assertEquals(serial.iterations(), parallel.iterations());
        for (int p = 0; p < parameterCount; p++) {
            assertArrayEquals(one.get(p).data(), two.get(p).data(), "parameter " + p);
            assertArrayEquals(new float[one.get(p).data().length], two.get(p).grad().data(), "gradient cleared, parameter " + p);
        }
    }

    private static List<Variable> parameters(int count, long seed) {
        Random random = new Random(seed);
        List<Variable> parameters = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            float[] values = new float[1 + random.nextInt(3000)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            parameters.add(Variable.parameter(Tensor.wrap(values, values.length), "p" + p));
        }
        return parameters;
    }

    private static void addGradients(List<Variable> parameters, long seed) {
        Random random = new Random(seed);
        for (Variable parameter : parameters) {
            float[] grad = parameter.grad().data();
            for (int i = 0; i < grad.length; i++) {
                grad[i] += (float) random.nextGaussian();
            }
        }
    }
}
