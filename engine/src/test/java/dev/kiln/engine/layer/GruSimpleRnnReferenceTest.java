package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.kiln.engine.testing.JsonArrays.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * GRU and SimpleRNN against PyTorch float64 (reference/gru_simplernn.json, written by
 * engine/src/test/python/gru_simplernn_reference.py, which also checks its GRU against
 * torch.nn.GRU): outputs and every gradient, both directions, final states and sequences, on
 * lengths 3, 0, 1, 5.
 */
class GruSimpleRnnReferenceTest {
    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> cases() throws IOException {
        try (InputStream in = GruSimpleRnnReferenceTest.class.getResourceAsStream("/reference/gru_simplernn.json")) {
            Map<String, Object> fixture = (Map<String, Object>) JsonReader.parse(new String(in.readAllBytes(),
                    StandardCharsets.UTF_8), "gru_simplernn.json");
            return (List<Map<String, Object>>) fixture.get("cases");
        }
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.get("kind") + " backwards=" + c.get("backwards")
                + " sequences=" + c.get("return_sequences"), () -> check(c)));
    }

    private static void check(Map<String, Object> c) {
        CellRnn.Kind kind = c.get("kind").equals("GRU") ? CellRnn.Kind.GRU : CellRnn.Kind.SIMPLE_RNN;
        boolean sequences = (Boolean) c.get("return_sequences");
        CellRnn layer = new CellRnn(kind, 3, (Boolean) c.get("backwards"), sequences, "rnn");
        Map<String, Tensor> weights = Map.of("rnn/kernel", tensor(c.get("kernel")), "rnn/recurrent_kernel",
                tensor(c.get("recurrent_kernel")), "rnn/bias", tensor(c.get("bias")));
        layer.build(new ValueSpec(ValueSpec.SEQUENCES, 4), ParameterSource.saved(weights, ""));
        int[] lengths = ((List<?>) c.get("lengths")).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
        int[] offsets = new int[lengths.length];
        for (int s = 1; s < lengths.length; s++) {
            offsets[s] = offsets[s - 1] + lengths[s - 1];
        }
        Variable values = Variable.parameter(tensor(c.get("values")), "values");
        Tape tape = Tape.recording();
        LayerValue out = layer.forward(new SequenceBatch(values, lengths, offsets), new Ops(KERNELS, tape));
        Variable output = sequences ? ((SequenceBatch) out).values() : ((FeatureBatch) out).values();
        assertClose("output", output.data(), tensor(c.get("output")).data());
        tape.backward(output, tensor(c.get("projection")));
        assertClose("d values", values.grad().data(), tensor(c.get("d_values")).data());
        List<Variable> parameters = layer.parameters();
        assertClose("d kernel", parameters.get(0).grad().data(), tensor(c.get("d_kernel")).data());
        assertClose("d recurrent kernel", parameters.get(1).grad().data(), tensor(c.get("d_recurrent_kernel")).data());
        assertClose("d bias", parameters.get(2).grad().data(), tensor(c.get("d_bias")).data());
    }


    /** Within 1e-5 of the reference plus 1e-5 of its largest magnitude (float32 against float64). */
    private static void assertClose(String what, float[] actual, float[] expected) {
        assertEquals(expected.length, actual.length, what + " length");
        double largest = 0;
        for (float e : expected) {
            largest = Math.max(largest, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= 1e-5 * Math.abs(expected[i]) + 1e-5 * largest + 1e-7)) {
                fail(what + ": element " + i + " is " + actual[i] + ", PyTorch gives " + expected[i]);
            }
        }
    }
}
