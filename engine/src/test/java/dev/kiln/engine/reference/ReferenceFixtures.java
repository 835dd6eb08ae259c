package dev.kiln.engine.reference;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.layer.FeatureBatch;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerRegistry;
import dev.kiln.engine.layer.LayerValue;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.SavedParameters;
import dev.kiln.engine.layer.SequenceBatch;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Reading the layer fixtures that the scripts under engine/src/test/python write, and checking a
 * case: a stack of layers built from their Keras configs through the engine's registry with the
 * case's weights, run on its packed sequences, its outputs and gradients compared with a tolerance
 * relative to the reference value plus the tensor's largest value (float32 sums against float64).
 */
final class ReferenceFixtures {
    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());

    private ReferenceFixtures() {}

    /** The "cases" of the fixture at {@code resource} (on the test class path). */
    static List<Map<?, ?>> cases(String resource) {
        try (InputStream in = ReferenceFixtures.class.getResourceAsStream(resource)) {
            Map<?, ?> fixture = (Map<?, ?>) JsonReader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
            return ((List<?>) fixture.get("cases")).stream().<Map<?, ?>>map(c -> (Map<?, ?>) c).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A case of packed "values" [tokens, features] with their "lengths", "layers" ({"class_name",
     * "config"} objects), "weights" by parameter name in Keras' order, "output" (packed rows with
     * "output_lengths" when "output_is_sequences", else one row per example), "upstream" and the
     * "gradients" of sum(upstream * output) for the values and every weight.
     */
    static void checkLayerStack(Map<?, ?> c, double relativeTolerance) {
        int[] lengths = ints(c.get("lengths"));
        int[] offsets = new int[lengths.length];
        for (int s = 1; s < lengths.length; s++) {
            offsets[s] = offsets[s - 1] + lengths[s - 1];
        }
        Tensor packed = tensor(c.get("values"));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        ((Map<?, ?>) c.get("weights")).forEach((name, value) -> weights.put((String) name, tensor(value)));
        SavedParameters source = ParameterSource.saved(weights, "weights/");
        List<Layer> layers = new ArrayList<>();
        boolean fixedLength = lengths.length > 0 && Arrays.stream(lengths).allMatch(length -> length == lengths[0]);
        ValueSpec spec = new ValueSpec(ValueSpec.SEQUENCES, packed.shape().dim(1), false,
                fixedLength ? lengths[0] : ValueSpec.ANY_LENGTH);
        for (Object layerConfig : (List<?>) c.get("layers")) {
            Layer layer = LayerRegistry.withEngineLayers().create(layerConfig((Map<?, ?>) layerConfig));
            spec = layer.build(spec, source);
            layers.add(layer);
        }
        source.requireAllUsed();

        Variable values = Variable.parameter(packed, "values");
        Tape tape = Tape.recording();
        Ops ops = new Ops(KERNELS, tape);
        LayerValue value = new SequenceBatch(values, lengths, offsets);
        for (Layer layer : layers) {
            value = layer.forward(value, ops);
        }
        Variable output = value instanceof SequenceBatch sequences ? sequences.values() : ((FeatureBatch) value).values();
        assertEquals(c.get("output_is_sequences"), value instanceof SequenceBatch);
        if (value instanceof SequenceBatch sequences && c.containsKey("output_lengths")) {
            assertArrayEquals(ints(c.get("output_lengths")), sequences.lengths(), "output lengths");
        }
        assertClose("output", output.data(), doubles(c.get("output")), relativeTolerance);
        tape.backward(output, Tensor.wrap(floats(c.get("upstream")), output.shape()));

        Map<?, ?> gradients = (Map<?, ?>) c.get("gradients");
        assertClose("gradient of the values", values.grad().data(), doubles(gradients.get("values")), relativeTolerance);
        List<String> checked = new ArrayList<>();
        for (Layer layer : layers) {
            for (Variable parameter : layer.parameters()) {
                assertClose("gradient of " + parameter.name(), parameter.grad().data(), doubles(gradients.get(parameter.name())),
                        relativeTolerance);
                checked.add(parameter.name());
            }
        }
        assertEquals(List.copyOf(weights.keySet()), checked, "every weight of the case is a parameter, in Keras' order");
    }

    /** |actual - expected| <= tolerance x (|expected| + the tensor's largest |value|) + 1e-9, element by element. */
    static void assertClose(String what, float[] actual, double[] expected, double relativeTolerance) {
        assertEquals(expected.length, actual.length, what + ": element count");
        double largest = 0;
        for (double e : expected) {
            largest = Math.max(largest, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double tolerance = relativeTolerance * (Math.abs(expected[i]) + largest) + 1e-9;
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
                fail(what + ": element " + i + " is " + actual[i] + ", the reference gives " + expected[i]);
            }
        }
    }

    /** A Keras {"class_name", "config"} object as a PartConfig. */
    static PartConfig layerConfig(Map<?, ?> keras) {
        return layerConfig((String) keras.get("class_name"), (Map<?, ?>) keras.get("config"));
    }

    /** A Keras config object of a {@code type} layer as a PartConfig, its values as they are (ints, decimals, booleans, strings, lists). */
    static PartConfig layerConfig(String type, Map<?, ?> keras) {
        PartConfig.Builder builder = PartConfig.layer(type);
        keras.forEach((key, value) -> {
            switch (value) {
                case Integer number -> builder.put((String) key, number.intValue());
                case Double number -> builder.put((String) key, number.doubleValue());
                case Boolean flag -> builder.put((String) key, flag.booleanValue());
                case String text -> builder.put((String) key, text);
                case List<?> list -> builder.put((String) key, list);
                default -> throw new IllegalArgumentException("unexpected config value " + value);
            }
        });
        return builder.build();
    }

    /** Nested lists of numbers as a float tensor of their shape (the first element of each level gives its size; float32 values). */
    static Tensor tensor(Object json) {
        List<Integer> dims = new ArrayList<>();
        for (Object level = json; level instanceof List<?> list && !list.isEmpty(); level = list.getFirst()) {
            dims.add(list.size());
        }
        return Tensor.wrap(floats(json), Shape.of(dims.stream().mapToInt(Integer::intValue).toArray()));
    }

    /** The numbers in order, each exactly a float32 value, as the scripts round their inputs. */
    static float[] floats(Object json) {
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

    /** The numbers of nested lists in row-major order. */
    static double[] doubles(Object json) {
        List<Double> out = new ArrayList<>();
        flatten(json, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static int[] ints(Object json) {
        return ((List<?>) json).stream().mapToInt(n -> (Integer) n).toArray();
    }

    private static void flatten(Object json, List<Double> out) {
        if (json instanceof List<?> list) {
            list.forEach(item -> flatten(item, out));
        } else {
            out.add(((Number) json).doubleValue());
        }
    }
}
