package dev.kiln.engine.reference;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.loss.Loss;
import dev.kiln.engine.loss.Losses;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.metric.Metrics;
import dev.kiln.engine.metric.Predictions;
import dev.kiln.engine.optim.LearningRateSchedule;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.optim.Optimizers;
import dev.kiln.engine.part.Part;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartRegistry;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every loss (value and gradient), metric, optimizer (three steps) and schedule against Keras 3's
 * formulas, from {@code reference/training_core.json}, which
 * {@code engine/src/test/python/keras_reference.py} writes (a NumPy transcription of Keras 3.16;
 * KERAS_FORMULAS.md lists each formula and its source). Each part is built from the case's Keras
 * config through the engine's registries, and its own config must rebuild an equal part.
 */
class KerasReferenceTest {
    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());
    private static final Map<String, Object> FIXTURE = fixture();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fixture() {
        try (InputStream in = KerasReferenceTest.class.getResourceAsStream("/reference/training_core.json")) {
            return (Map<String, Object>) JsonReader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "training_core.json");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> losses() {
        return cases("losses").map(c -> DynamicTest.dynamicTest(title(c), () -> {
            Loss loss = built(Losses.registry(), "loss", c);
            float[][] outputs = matrix(c.get("outputs"));
            int batch = outputs.length;
            int width = outputs[0].length;
            float[][] targets = matrix(c.get("targets"));
            Variable x = Variable.parameter(Tensor.wrap(flat(outputs), batch, width), "outputs");
            Tape tape = Tape.recording();
            Variable value = new Ops(KERNELS, tape).exampleLoss(x, loss, flat(targets), targets[0].length, weights(c, batch), batch);
            tape.backward(value);
            assertClose("loss", new float[] {value.value().item()}, new float[] {number(c.get("loss"))}, 1e-5);
            assertClose("gradient", x.grad().data(), flat(matrix(c.get("gradient"))), 1e-4);
        }));
    }

    @TestFactory
    Stream<DynamicTest> metrics() {
        return cases("metrics").map(c -> DynamicTest.dynamicTest(title(c), () -> {
            Metric metric = built(Metrics.registry(), "metric", c);
            for (Object update : (List<?>) c.get("updates")) {
                Map<?, ?> u = (Map<?, ?>) update;
                float[][] outputs = matrix(u.get("outputs"));
                float[][] targets = matrix(u.get("targets"));
                metric.update(new Predictions(flat(outputs), outputs[0].length, flat(targets), targets[0].length,
                        weights(u, outputs.length)));
            }
            assertClose("result", new float[] {(float) metric.result()}, new float[] {number(c.get("result"))}, 1e-5);
        }));
    }

    @TestFactory
    Stream<DynamicTest> optimizers() {
        return cases("optimizers").map(c -> DynamicTest.dynamicTest(title(c), () -> {
            Optimizer optimizer = built(Optimizers.registry(), "optimizer", c);
            List<Variable> parameters = new ArrayList<>();
            List<?> initial = (List<?>) c.get("params");
            for (int p = 0; p < initial.size(); p++) {
                float[] values = flat(new float[][] {row(initial.get(p))});
                parameters.add(Variable.parameter(Tensor.wrap(values, values.length), "p" + p));
            }
            List<?> gradients = (List<?>) c.get("gradients");
            List<?> expected = (List<?>) c.get("expected");
            for (int step = 0; step < gradients.size(); step++) {
                for (int p = 0; p < parameters.size(); p++) {
                    float[] g = row(((List<?>) gradients.get(step)).get(p));
                    System.arraycopy(g, 0, parameters.get(p).grad().data(), 0, g.length);
                }
                optimizer.step(parameters);
                for (int p = 0; p < parameters.size(); p++) {
                    assertClose("step " + (step + 1) + ", parameter " + p, parameters.get(p).data(),
                            row(((List<?>) expected.get(step)).get(p)), 1e-5);
                }
            }
            assertEquals(gradients.size(), optimizer.iterations());
        }));
    }

    @TestFactory
    Stream<DynamicTest> schedules() {
        return cases("schedules").map(c -> DynamicTest.dynamicTest(title(c), () -> {
            LearningRateSchedule schedule = built(Optimizers.schedules(), "schedule", c);
            List<?> steps = (List<?>) c.get("steps");
            List<?> values = (List<?>) c.get("values");
            for (int i = 0; i < steps.size(); i++) {
                long step = ((Number) steps.get(i)).longValue();
                assertEquals(((Number) values.get(i)).doubleValue(), schedule.at(step), 1e-9 * ((Number) values.get(i)).doubleValue(),
                        "step " + step);
            }
        }));
    }

    /** The part a case's Keras config describes, checked to rebuild from its own config. */
    private static <T extends Part> T built(PartRegistry<T> registry, String kind, Map<?, ?> c) {
        T part = registry.create(config(kind, (String) c.get("class_name"), (Map<?, ?>) c.get("config")));
        assertEquals(part.config(), registry.create(part.config()).config(), "its config round-trips");
        return part;
    }

    /** A Keras config as a PartConfig; None values are absent, as a loader reads them. */
    private static PartConfig config(String kind, String type, Map<?, ?> values) {
        PartConfig.Builder builder = PartConfig.builder(kind, type);
        values.forEach((key, value) -> {
            String name = (String) key;
            switch (value) {
                case null -> { }
                case Integer i -> builder.put(name, i);
                case Long l -> builder.put(name, l);
                case Double d -> builder.put(name, d);
                case Boolean b -> builder.put(name, b);
                case String s -> builder.put(name, s);
                case List<?> list -> builder.put(name, list);
                case Map<?, ?> nested -> builder.put(name, config("schedule", (String) nested.get("class_name"),
                        (Map<?, ?>) nested.get("config")));
                default -> throw new IllegalArgumentException("unexpected config value " + value);
            }
        });
        return builder.build();
    }

    @SuppressWarnings("unchecked")
    private static Stream<Map<String, Object>> cases(String section) {
        return ((List<Map<String, Object>>) FIXTURE.get(section)).stream();
    }

    private static String title(Map<?, ?> c) {
        return c.get("class_name") + " " + c.get("config") + (c.containsKey("name") ? " " + c.get("name") : "");
    }

    private static float[] weights(Map<?, ?> c, int batch) {
        if (c.get("sample_weight") == null) {
            float[] ones = new float[batch];
            Arrays.fill(ones, 1f);
            return ones;
        }
        return row(c.get("sample_weight"));
    }

    private static float number(Object value) {
        return ((Number) value).floatValue();
    }

    private static float[] row(Object list) {
        List<?> values = (List<?>) list;
        float[] row = new float[values.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = number(values.get(i));
        }
        return row;
    }

    private static float[][] matrix(Object rows) {
        return ((List<?>) rows).stream().map(KerasReferenceTest::row).toArray(float[][]::new);
    }

    private static float[] flat(float[][] matrix) {
        int width = matrix[0].length;
        float[] flat = new float[matrix.length * width];
        for (int i = 0; i < matrix.length; i++) {
            System.arraycopy(matrix[i], 0, flat, i * width, width);
        }
        return flat;
    }

    /** Within {@code relative} of the reference, plus 1e-6 of the reference's largest magnitude. */
    private static void assertClose(String what, float[] actual, float[] expected, double relative) {
        assertEquals(expected.length, actual.length, what + " length");
        double largest = 0;
        for (float e : expected) {
            largest = Math.max(largest, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double tolerance = relative * Math.abs(expected[i]) + 1e-6 * largest + 1e-7;
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
                fail(what + ": element " + i + " is " + actual[i] + ", Keras gives " + expected[i] + " (all: "
                        + Arrays.toString(actual) + " vs " + Arrays.toString(expected) + ")");
            }
        }
    }
}
