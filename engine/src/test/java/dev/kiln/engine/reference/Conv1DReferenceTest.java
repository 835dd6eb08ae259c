package dev.kiln.engine.reference;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerRegistry;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.SavedParameters;
import dev.kiln.engine.layer.SequenceBatch;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Conv1D against {@code reference/conv1d.json}: Keras 3's Conv1D computed by torch's conv1d in
 * float64, which {@code engine/src/test/python/conv1d_reference.py} writes ("valid" and "same"
 * with TensorFlow's padding split, strides, dilations, even and odd kernels, lengths 0, 1 and
 * shorter than the kernel). Each layer is built from its Keras config through the engine's
 * registry with the case's weights; the output lengths, the outputs and the gradients of
 * sum(upstream * output) with respect to the packed inputs, the kernel and the bias must match.
 * The forward pass is float32: measured on 2026-12-03, the largest difference was 8.9e-7 and at
 * most 1.1e-7 of (|reference| + the tensor's largest value), so the tolerance is about 20x that.
 */
class Conv1DReferenceTest {
    /** |Kiln - reference| may be this fraction of the reference value plus the tensor's largest value (float32 sums). */
    private static final double RELATIVE_TOLERANCE = 2e-6;
    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());

    @TestFactory
    Stream<DynamicTest> everyCase() {
        return cases().stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> check(c)));
    }

    private static void check(Map<?, ?> c) {
        int[] lengths = ints(c.get("lengths"));
        int[] offsets = new int[lengths.length];
        for (int s = 1; s < lengths.length; s++) {
            offsets[s] = offsets[s - 1] + lengths[s - 1];
        }
        int channels = (Integer) c.get("channels");
        Map<?, ?> config = (Map<?, ?>) c.get("config");
        int filters = (Integer) config.get("filters");
        int kernelSize = (Integer) ((List<?>) config.get("kernel_size")).getFirst();
        Tensor values = Tensor.wrap(floats(c.get("values")), lengths.length == 0 ? 0 : offsets[lengths.length - 1]
                + lengths[lengths.length - 1], channels);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("conv1d/kernel", Tensor.wrap(floats(c.get("kernel")), kernelSize, channels, filters));
        weights.put("conv1d/bias", Tensor.wrap(floats(c.get("bias")), filters));
        SavedParameters source = ParameterSource.saved(weights, "weights/");
        Layer layer = LayerRegistry.withEngineLayers().create(config(config));
        layer.build(new ValueSpec(ValueSpec.SEQUENCES, channels), source);
        source.requireAllUsed();

        Variable input = Variable.parameter(values, "values");
        Tape tape = Tape.recording();
        SequenceBatch out = (SequenceBatch) layer.forward(new SequenceBatch(input, lengths, offsets), new Ops(KERNELS, tape));
        assertArrayEquals(ints(c.get("output_lengths")), out.lengths(), "output lengths");
        Variable output = out.values();
        assertClose("output", output.data(), doubles(c.get("output")));
        tape.backward(output, Tensor.wrap(floats(c.get("upstream")), output.shape()));

        Map<?, ?> gradients = (Map<?, ?>) c.get("gradients");
        assertClose("gradient of the values", input.grad().data(), doubles(gradients.get("values")));
        assertEquals(2, layer.parameters().size());
        assertClose("gradient of the kernel", layer.parameters().get(0).grad().data(), doubles(gradients.get("kernel")));
        assertClose("gradient of the bias", layer.parameters().get(1).grad().data(), doubles(gradients.get("bias")));
    }

    private static void assertClose(String what, float[] actual, double[] expected) {
        assertEquals(expected.length, actual.length, what + ": element count");
        double largest = 0;
        for (double e : expected) {
            largest = Math.max(largest, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double tolerance = RELATIVE_TOLERANCE * (Math.abs(expected[i]) + largest) + 1e-9;
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
                fail(what + ": element " + i + " is " + actual[i] + ", the reference gives " + expected[i]);
            }
        }
    }

    /** A Keras config object as a PartConfig: ints, strings, booleans and lists of ints as they are. */
    private static PartConfig config(Map<?, ?> keras) {
        PartConfig.Builder builder = PartConfig.layer("Conv1D");
        keras.forEach((key, value) -> {
            switch (value) {
                case Integer number -> builder.put((String) key, number.intValue());
                case Boolean flag -> builder.put((String) key, flag.booleanValue());
                case String text -> builder.put((String) key, text);
                case List<?> list -> builder.put((String) key, list);
                default -> throw new IllegalArgumentException("unexpected config value " + value);
            }
        });
        return builder.build();
    }

    private static int[] ints(Object json) {
        return ((List<?>) json).stream().mapToInt(n -> (Integer) n).toArray();
    }

    /** Float32 inputs: each value must be exactly a float, as the script rounds them. */
    private static float[] floats(Object json) {
        double[] values = doubles(json);
        float[] data = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (float) values[i];
            if (data[i] != values[i]) {
                throw new IllegalStateException("input " + values[i] + " is not a float32 value");
            }
        }
        return data;
    }

    private static double[] doubles(Object json) {
        List<Double> out = new ArrayList<>();
        for (Object item : (List<?>) json) {
            out.add(((Number) item).doubleValue());
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static List<Map<?, ?>> cases() {
        try (InputStream in = Conv1DReferenceTest.class.getResourceAsStream("/reference/conv1d.json")) {
            Map<?, ?> fixture = (Map<?, ?>) JsonReader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "conv1d.json");
            return ((List<?>) fixture.get("cases")).stream().<Map<?, ?>>map(c -> (Map<?, ?>) c).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
