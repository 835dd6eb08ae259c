package dev.kiln.engine.reference;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerRegistry;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.SavedParameters;
import dev.kiln.engine.layer.SequenceBatch;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
        return ReferenceFixtures.cases("/reference/conv1d.json").stream()
                .map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> check(c)));
    }

    private static void check(Map<?, ?> c) {
        int[] lengths = ReferenceFixtures.ints(c.get("lengths"));
        int[] offsets = new int[lengths.length];
        for (int s = 1; s < lengths.length; s++) {
            offsets[s] = offsets[s - 1] + lengths[s - 1];
        }
        int channels = (Integer) c.get("channels");
        Map<?, ?> config = (Map<?, ?>) c.get("config");
        int filters = (Integer) config.get("filters");
        int kernelSize = (Integer) ((List<?>) config.get("kernel_size")).getFirst();
        Tensor values = Tensor.wrap(ReferenceFixtures.floats(c.get("values")), lengths.length == 0 ? 0 : offsets[lengths.length - 1]
                + lengths[lengths.length - 1], channels);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("conv1d/kernel", Tensor.wrap(ReferenceFixtures.floats(c.get("kernel")), kernelSize, channels, filters));
        weights.put("conv1d/bias", Tensor.wrap(ReferenceFixtures.floats(c.get("bias")), filters));
        SavedParameters source = ParameterSource.saved(weights, "weights/");
        Layer layer = LayerRegistry.withEngineLayers().create(ReferenceFixtures.layerConfig("Conv1D", config));
        layer.build(new ValueSpec(ValueSpec.SEQUENCES, channels), source);
        source.requireAllUsed();

        Variable input = Variable.parameter(values, "values");
        Tape tape = Tape.recording();
        SequenceBatch out = (SequenceBatch) layer.forward(new SequenceBatch(input, lengths, offsets), new Ops(KERNELS, tape));
        assertArrayEquals(ReferenceFixtures.ints(c.get("output_lengths")), out.lengths(), "output lengths");
        Variable output = out.values();
        assertClose("output", output.data(), c.get("output"));
        tape.backward(output, Tensor.wrap(ReferenceFixtures.floats(c.get("upstream")), output.shape()));

        Map<?, ?> gradients = (Map<?, ?>) c.get("gradients");
        assertClose("gradient of the values", input.grad().data(), gradients.get("values"));
        assertEquals(2, layer.parameters().size());
        assertClose("gradient of the kernel", layer.parameters().get(0).grad().data(), gradients.get("kernel"));
        assertClose("gradient of the bias", layer.parameters().get(1).grad().data(), gradients.get("bias"));
    }

    private static void assertClose(String what, float[] actual, Object expected) {
        ReferenceFixtures.assertClose(what, actual, ReferenceFixtures.doubles(expected), RELATIVE_TOLERANCE);
    }
}
