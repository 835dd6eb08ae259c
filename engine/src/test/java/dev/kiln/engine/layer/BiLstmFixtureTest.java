package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.InputProjection;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.testing.SharedFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.kiln.engine.testing.JsonArrays.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The seed architecture in miniature (Embedding(20, 8, mask) -> Bidirectional(LSTM(5)) -> Dense(6,
 * relu) -> Dense(1)) against PyTorch float64 reference values: logits, loss, every gradient and
 * two Adam steps, on both input projections (the embedding table projected once, and every
 * token's vector). Kiln computes in float32, so values are compared with
 * |kiln - reference| <= 1e-6 + 2e-5 * |reference|.
 */
class BiLstmFixtureTest {
    private static final double ABSOLUTE = 1e-6;
    private static final double RELATIVE = 2e-5;
    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());

    private Map<String, Object> fixture;
    private Sequential model;
    private TokenBatch inputs;
    private float[] labels;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void loadFixture() throws IOException {
        Path path = SharedFiles.path("fixtures/bilstm_reference.json");
        fixture = (Map<String, Object>) JsonReader.parse(Files.readString(path), path.toString());
        model = new Sequential(List.of(
                new Embedding(20, 8, true, "embedding"),
                new Bidirectional(new Lstm(5, false, "lstm"), "bidirectional"),
                new Dense(6, Activation.RELU, "dense"),
                new Dense(1, Activation.LINEAR, "dense_1")));
        model.build(0, new Rng(0));
        setWeights((Map<String, Object>) fixture.get("weights"));
        List<Object> rows = (List<Object>) fixture.get("inputs");
        int[][] padded = new int[rows.size()][];
        for (int r = 0; r < padded.length; r++) {
            padded[r] = ((List<Object>) rows.get(r)).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
        }
        inputs = TokenBatch.ofPadded(padded);
        labels = floats(fixture.get("labels"));
    }

    @ParameterizedTest
    @EnumSource(value = InputProjection.class, names = {"TABLE", "PER_TOKEN"})
    void logitsLossAndEveryGradientMatchTheReference(InputProjection projection) {
        assertEquals(List.of(5, 7, 1, 3), java.util.Arrays.stream(inputs.lengths()).boxed().toList(),
                "true lengths from the mask");
        Variable loss = lossAndGradients(projection);
        assertClose("loss", new float[] {loss.value().item()}, new float[] {((Number) fixture.get("loss")).floatValue()});
        assertGradients(section("gradients"));
    }

    /** The two paths against each other on the fixture: logits and every gradient within 1e-5 relative (1e-9 absolute). */
    @Test
    void theTablePathMatchesThePerTokenPathWithin1e5() {
        Variable perTokenLoss = lossAndGradients(InputProjection.PER_TOKEN);
        List<float[]> perToken = model.parameters().stream().map(p -> p.grad().data().clone()).toList();
        model.parameters().forEach(Variable::zeroGrad);
        Variable tableLoss = lossAndGradients(InputProjection.TABLE);
        assertEquals(perTokenLoss.value().item(), tableLoss.value().item(), 1e-5 * Math.abs(perTokenLoss.value().item()), "loss");
        List<Variable> parameters = model.parameters();
        for (int p = 0; p < parameters.size(); p++) {
            float[] expected = perToken.get(p);
            float[] actual = parameters.get(p).grad().data();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5 * Math.abs(expected[i]) + 1e-9,
                        "gradient of " + parameters.get(p).name() + " at " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = InputProjection.class, names = {"TABLE", "PER_TOKEN"})
    @SuppressWarnings("unchecked")
    void twoAdamStepsMatchTheReference(InputProjection projection) {
        Adam adam = new Adam(0.001f);
        Map<String, Object> step1 = (Map<String, Object>) ((Map<String, Object>) fixture.get("adam")).get("step1");
        Map<String, Object> step2 = (Map<String, Object>) ((Map<String, Object>) fixture.get("adam")).get("step2");

        lossAndGradients(projection);
        adam.step(model.parameters());
        assertState("step 1", adam, step1);

        lossAndGradients(projection);
        assertGradients((Map<String, Object>) step2.get("gradients"));
        adam.step(model.parameters());
        assertState("step 2", adam, step2);
    }

    private Variable lossAndGradients(InputProjection projection) {
        Tape tape = Tape.recording();
        Ops ops = new Ops(KERNELS, tape, Map.of(), projection);
        Variable logits = ((FeatureBatch) model.forward(inputs, ops)).values();
        float[] weights = new float[labels.length];
        java.util.Arrays.fill(weights, 1f);
        Variable loss = ops.exampleLoss(logits, BinaryCrossentropy.fromLogits(), labels, 1, weights, labels.length);
        tape.backward(loss);
        return loss;
    }

    @ParameterizedTest
    @EnumSource(value = InputProjection.class, names = {"TABLE", "PER_TOKEN"})
    void logitsMatchTheReference(InputProjection projection) {
        Ops ops = new Ops(KERNELS, Tape.inference(), Map.of(), projection);
        Variable logits = ((FeatureBatch) model.forward(inputs, ops)).values();
        assertClose("logits", logits.data(), floats(fixture.get("logits")));
    }

    @SuppressWarnings("unchecked")
    private void assertState(String step, Adam adam, Map<String, Object> expected) {
        List<Variable> parameters = model.parameters();
        Map<String, Object> weights = (Map<String, Object>) expected.get("weights");
        Map<String, Object> m = (Map<String, Object>) expected.get("m");
        Map<String, Object> v = (Map<String, Object>) expected.get("v");
        for (int p = 0; p < parameters.size(); p++) {
            String name = parameters.get(p).name();
            assertClose(step + " weights of " + name, parameters.get(p).data(), floats(weights.get(name)));
            assertClose(step + " m of " + name, adam.saveState().tensors().get("m/" + name).data(), floats(m.get(name)));
            assertClose(step + " v of " + name, adam.saveState().tensors().get("v/" + name).data(), floats(v.get(name)));
        }
        assertEquals(((Number) expected.get("t")).longValue(), adam.iterations(), step + " iterations");
    }

    private void assertGradients(Map<String, Object> expected) {
        List<Variable> parameters = model.parameters();
        assertEquals(expected.keySet(), parameters.stream().map(Variable::name).collect(java.util.stream.Collectors.toSet()),
                "parameter names");
        for (Variable parameter : parameters) {
            assertClose("grad of " + parameter.name(), parameter.grad().data(), floats(expected.get(parameter.name())));
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> section(String key) {
        return (Map<String, Object>) fixture.get(key);
    }

    private void setWeights(Map<String, Object> weights) {
        for (Variable parameter : model.parameters()) {
            Object values = weights.get(parameter.name());
            if (values == null) {
                fail("the fixture has no weights for " + parameter.name() + "; it has " + weights.keySet());
            }
            float[] data = floats(values);
            assertEquals(parameter.value().size(), data.length, "size of " + parameter.name());
            System.arraycopy(data, 0, parameter.data(), 0, data.length);
        }
    }

    private static void assertClose(String what, float[] actual, float[] expected) {
        assertEquals(expected.length, actual.length, what + ": element count");
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            double excess = Math.abs(actual[i] - expected[i]) - (ABSOLUTE + RELATIVE * Math.abs(expected[i]));
            if (excess > worst) {
                worst = excess;
                worstAt = i;
            }
        }
        if (worstAt >= 0) {
            fail(what + ": element " + worstAt + " is " + actual[worstAt] + ", reference " + expected[worstAt]);
        }
    }

}
