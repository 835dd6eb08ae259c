package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.GradientCheck;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartConfigException;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keras' Activation layer (config round trip, values per example and per step), Keras 2's
 * hard_sigmoid (values, gradient) and the LSTM whose gates use it (the composed cell: the fused
 * LSTM's values with sigmoid gates, and gradients against finite differences).
 */
class ActivationLayerTest {
    private static final Ops OPS = new Ops(Kernels.preferred(ComputePool.singleThreaded()), Tape.inference());

    @Test
    void configRoundTripsThroughTheRegistry() {
        PartConfig config = PartConfig.layer("Activation").put("name", "activation_1").put("activation", "softmax").build();
        Layer layer = LayerRegistry.withEngineLayers().create(config);
        assertEquals(config, layer.config());
        assertEquals(Activation.SOFTMAX, ((ActivationLayer) layer).activation());
        assertThrows(PartConfigException.class, () -> LayerRegistry.withEngineLayers().create(PartConfig.layer("Activation")
                .put("name", "a").put("activation", "sparkle").build()));
        assertThrows(PartConfigException.class, () -> LayerRegistry.withEngineLayers().create(PartConfig.layer("Activation")
                .put("name", "a").put("activation", "relu").put("units", 3).build()));
    }

    @Test
    void appliesItsActivationToVectorsAndToEveryStepOfSequences() {
        ActivationLayer relu = new ActivationLayer(Activation.RELU, "relu");
        assertEquals(new ValueSpec(ValueSpec.SEQUENCES, 2, true, 3), relu.build(new ValueSpec(ValueSpec.SEQUENCES, 2, true, 3),
                ParameterSource.initial(new Rng(1))));
        Variable values = Variable.constant(Tensor.wrap(new float[] {-1, 2, 3, -4, 0.5f, -0.5f}, 3, 2));
        LayerValue out = relu.forward(new SequenceBatch(values, new int[] {2, 1}, new int[] {0, 2}), OPS);
        assertArrayEquals(new float[] {0, 2, 3, 0, 0.5f, 0}, ((SequenceBatch) out).values().data());
        ActivationLayer softmax = new ActivationLayer(Activation.SOFTMAX, "softmax");
        float[] rows = ((FeatureBatch) softmax.forward(new FeatureBatch(values), OPS)).values().data();
        for (int row = 0; row < 3; row++) {
            double a = Math.exp(values.data()[2 * row]);
            double b = Math.exp(values.data()[2 * row + 1]);
            assertEquals(a / (a + b), rows[2 * row], 1e-6, "softmax over each row");
        }
    }

    @Test
    void kerasTwosHardSigmoidIsClippedLinearAndDistinctFromKerasThrees() {
        float[] x = {-3, -2.5f, -1, 0, 1, 2.5f, 3};
        float[] keras2 = Activation.HARD_SIGMOID_KERAS2.apply(OPS, Variable.constant(Tensor.wrap(x, 1, x.length))).data();
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.min(Math.max(0.2 * x[i] + 0.5, 0), 1), keras2[i], 1e-7, "x = " + x[i]);
        }
        assertEquals(Activation.HARD_SIGMOID_KERAS2, Activation.fromKerasName("hard_sigmoid_keras2"));
        assertTrue(Activation.HARD_SIGMOID.apply(OPS, Variable.constant(Tensor.wrap(new float[] {1}, 1, 1))).data()[0]
                != keras2[4], "Keras 3's hard_sigmoid(1) = 4/6, Keras 2's 0.7");
    }

    @Property(tries = 10)
    void kerasTwosHardSigmoidGradients(@ForAll long seed) {
        Random random = new Random(seed);
        // Away from the kinks at -2.5 and 2.5, where a finite difference straddles them.
        float[] x = new float[12];
        for (int i = 0; i < x.length; i++) {
            double v = random.nextDouble(-4, 4);
            x[i] = (float) (Math.abs(Math.abs(v) - 2.5) < 0.05 ? v + 0.2 : v);
        }
        GradientCheck.assertGradients("hard_sigmoid_keras2", (ops, v) -> Activation.HARD_SIGMOID_KERAS2.apply(ops, v.getFirst()),
                Tensor.wrap(x, 3, 4));
    }

    /** The composed cell with sigmoid gates computes what the fused LSTM does, final states and sequences, both directions. */
    @Property(tries = 10)
    void theComposedCellMatchesTheFusedLstm(@ForAll boolean backwards, @ForAll boolean sequences, @ForAll long seed) {
        Random random = new Random(seed);
        int[] lengths = {3, 1, 0, 4};
        int[] offsets = {0, 3, 4, 4};
        Lstm fused = new Lstm(3, backwards, sequences, "lstm");
        fused.build(2, new Rng(seed));
        Variable values = Variable.constant(GradientCheck.random(random, -1, 1, 8, 2));
        SequenceBatch batch = new SequenceBatch(values, lengths, offsets);
        List<Variable> weights = fused.parameters();
        float[] composed = ComposedLstm.run(batch, OPS, weights.get(0), weights.get(1), weights.get(2), Activation.SIGMOID,
                backwards, sequences).data();
        float[] expected = fused.run(batch, OPS).data();
        assertArrayEquals(expected, composed, 1e-5f);
    }

    /** An LSTM with Keras 2's hard_sigmoid gates: gradients of inputs and weights against finite differences. */
    @Property(tries = 8)
    void hardSigmoidLstmGradients(@ForAll boolean sequences, @ForAll @IntRange(min = 1, max = 3) int batch,
                                  @ForAll long seed) {
        Random random = new Random(seed);
        int[] lengths = new int[batch];
        int[] offsets = new int[batch];
        int tokens = 0;
        for (int s = 0; s < batch; s++) {
            lengths[s] = s == 1 ? 0 : 1 + random.nextInt(4);
            offsets[s] = tokens;
            tokens += lengths[s];
        }
        Bidirectional layer = new Bidirectional(new Lstm(2, Activation.HARD_SIGMOID_KERAS2, false, sequences, "lstm"),
                "bidirectional");
        layer.build(3, new Rng(seed));
        for (Variable parameter : layer.parameters()) { // small weights: the gates' inputs stay clear of the kinks at +-2.5
            float[] data = parameter.data();
            for (int i = 0; i < data.length; i++) {
                data[i] *= 0.5f;
            }
        }
        Variable values = Variable.parameter(GradientCheck.random(random, -1, 1, tokens, 3), "values");
        List<Variable> checked = new ArrayList<>(layer.parameters());
        checked.add(values);
        GradientCheck.assertParameterGradients("hard_sigmoid lstm", ops -> {
            LayerValue out = layer.forward(new SequenceBatch(values, lengths, offsets), ops);
            return out instanceof SequenceBatch steps ? steps.values() : ((FeatureBatch) out).values();
        }, checked);
    }
}
