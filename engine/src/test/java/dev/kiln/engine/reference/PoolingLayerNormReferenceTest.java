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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * GlobalAveragePooling1D, GlobalMaxPooling1D, LayerNormalization (every center/scale option) and
 * Dense on sequences, alone and stacked, against {@code reference/pooling_layernorm.json}: Keras
 * 3's formulas on padded float64 tensors with torch's autograd, which
 * {@code engine/src/test/python/pooling_layernorm_reference.py} writes. Each case's layers are built
 * from their Keras configs through the engine's registry with the case's weights; the outputs
 * and the gradients of sum(upstream * output) with respect to the packed inputs and every weight
 * must match. The forward pass is float32: measured on 2026-12-03, the largest difference was
 * 8.9e-7 (a Dense kernel's gradient of scale 2.8) and at most 2.1e-7 of (|reference| + the tensor's
 * largest value); the pools' values are exact or within 2.4e-8.
 */
class PoolingLayerNormReferenceTest {
    /** |Kiln - reference| may be this fraction of the reference value plus the tensor's largest value (10x what was measured). */
    private static final double RELATIVE_TOLERANCE = 2e-6;
    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());

    @TestFactory
    Stream<DynamicTest> everyCase() {
        return cases().stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> check(c)));
    }

    private static void check(Map<?, ?> c) {
        int[] lengths = ((List<?>) c.get("lengths")).stream().mapToInt(n -> (Integer) n).toArray();
        int[] offsets = new int[lengths.length];
        for (int s = 1; s < lengths.length; s++) {
            offsets[s] = offsets[s - 1] + lengths[s - 1];
        }
        Tensor packed = tensor(c.get("values"));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        ((Map<?, ?>) c.get("weights")).forEach((name, value) -> weights.put((String) name, tensor(value)));
        SavedParameters source = ParameterSource.saved(weights, "weights/");
        List<Layer> layers = new ArrayList<>();
        ValueSpec spec = new ValueSpec(ValueSpec.SEQUENCES, packed.shape().dim(1));
        for (Object layerConfig : (List<?>) c.get("layers")) {
            Layer layer = LayerRegistry.withEngineLayers().create(config((Map<?, ?>) layerConfig));
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
        assertClose("output", output.data(), doubles(c.get("output")));
        tape.backward(output, tensor(c.get("upstream")));

        Map<?, ?> gradients = (Map<?, ?>) c.get("gradients");
        assertClose("gradient of the values", values.grad().data(), doubles(gradients.get("values")));
        List<String> checked = new ArrayList<>();
        for (Layer layer : layers) {
            for (Variable parameter : layer.parameters()) {
                assertClose("gradient of " + parameter.name(), parameter.grad().data(), doubles(gradients.get(parameter.name())));
                checked.add(parameter.name());
            }
        }
        assertEquals(List.copyOf(weights.keySet()), checked, "every weight of the case is a parameter, in Keras' order");
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

    /** A Keras {"class_name", "config"} object as a PartConfig, its values as they are (ints, decimals, booleans, strings). */
    private static PartConfig config(Map<?, ?> keras) {
        PartConfig.Builder builder = PartConfig.layer((String) keras.get("class_name"));
        ((Map<?, ?>) keras.get("config")).forEach((key, value) -> {
            switch (value) {
                case Integer number -> builder.put((String) key, number.intValue());
                case Double number -> builder.put((String) key, number.doubleValue());
                case Boolean flag -> builder.put((String) key, flag.booleanValue());
                case String text -> builder.put((String) key, text);
                default -> throw new IllegalArgumentException("unexpected config value " + value);
            }
        });
        return builder.build();
    }

    /** A number, a list of numbers or a list of rows as a float tensor of that shape (the inputs are float32 values). */
    private static Tensor tensor(Object json) {
        double[] values = doubles(json);
        float[] data = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (float) values[i];
            if (data[i] != values[i]) {
                throw new IllegalStateException("input " + values[i] + " is not a float32 value");
            }
        }
        List<?> list = (List<?>) json;
        return list.getFirst() instanceof List<?> row ? Tensor.wrap(data, list.size(), row.size()) : Tensor.wrap(data, list.size());
    }

    private static double[] doubles(Object json) {
        List<Double> out = new ArrayList<>();
        flatten(json, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(Object json, List<Double> out) {
        if (json instanceof List<?> list) {
            list.forEach(item -> flatten(item, out));
        } else {
            out.add(((Number) json).doubleValue());
        }
    }

    private static List<Map<?, ?>> cases() {
        try (InputStream in = PoolingLayerNormReferenceTest.class.getResourceAsStream("/reference/pooling_layernorm.json")) {
            Map<?, ?> fixture = (Map<?, ?>) JsonReader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    "pooling_layernorm.json");
            return ((List<?>) fixture.get("cases")).stream().<Map<?, ?>>map(c -> (Map<?, ?>) c).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
