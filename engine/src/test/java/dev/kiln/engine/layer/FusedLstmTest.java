package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.GradientCheck;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fused LSTM against the primitive-op reference: outputs and every gradient, both directions,
 * uneven lengths with 0 and 1 among them. Tolerance: |fused - reference| <= 1e-5 + 1e-4 |reference|
 * (float32; the fused cell's vector sigmoid and tanh differ from java.lang.Math by up to 1e-6).
 */
class FusedLstmTest {
    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());

    @Property(tries = 40)
    void fusedMatchesTheReferenceForwardAndBackward(@ForAll @IntRange(min = 1, max = 9) int batch,
                                                    @ForAll @IntRange(min = 1, max = 70) int units,
                                                    @ForAll @IntRange(min = 1, max = 20) int features,
                                                    @ForAll boolean backwards, @ForAll long seed) {
        Random random = new Random(seed);
        int[] lengths = new int[batch];
        for (int s = 0; s < batch; s++) {
            lengths[s] = s == 0 ? 1 : (s == 1 ? 0 : random.nextInt(25));
        }
        int[] offsets = new int[batch];
        for (int s = 1; s < batch; s++) {
            offsets[s] = offsets[s - 1] + lengths[s - 1];
        }
        int tokens = offsets[batch - 1] + lengths[batch - 1];
        Lstm layer = new Lstm(units, backwards, "lstm");
        layer.build(features, new Rng(seed));
        Tensor inputs = GradientCheck.random(random, -1, 1, tokens, features);
        Tensor seedGradient = GradientCheck.random(random, -1, 1, batch, units);

        Run fused = run(layer, inputs, lengths, offsets, seedGradient, (ops, values, p) ->
                ((FeatureBatch) layer.forward(new SequenceBatch(values, lengths, offsets), ops)).values());
        Run reference = run(layer, inputs, lengths, offsets, seedGradient, (ops, values, p) ->
                LstmReference.finalState(ops, new SequenceBatch(values, lengths, offsets), p.get(0), p.get(1), p.get(2),
                        backwards));

        assertClose("output", reference.output, fused.output);
        for (int g = 0; g < reference.gradients.size(); g++) {
            assertClose("gradient " + g, reference.gradients.get(g), fused.gradients.get(g));
        }
    }

    @Property(tries = 10)
    void returnSequencesGradientsAndLastRowAgree(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll boolean backwards,
                                                 @ForAll long seed) {
        Random random = new Random(seed);
        int[] lengths = new int[batch];
        int[] offsets = new int[batch];
        for (int s = 0; s < batch; s++) {
            lengths[s] = random.nextInt(4);
            offsets[s] = s == 0 ? 0 : offsets[s - 1] + lengths[s - 1];
        }
        int tokens = offsets[batch - 1] + lengths[batch - 1];
        Lstm sequences = new Lstm(3, backwards, true, "lstm");
        sequences.build(2, new Rng(seed));
        Variable values = Variable.parameter(GradientCheck.random(random, -1, 1, tokens, 2), "values");
        List<Variable> checked = new ArrayList<>(sequences.parameters());
        checked.add(values);
        GradientCheck.assertParameterGradients("lstm sequences", ops ->
                ((SequenceBatch) sequences.forward(new SequenceBatch(values, lengths, offsets), ops)).values(), checked);
    }

    /** Prediction keeps no per-token state; it must give exactly the training pass's output. */
    @Property(tries = 15)
    void inferenceEqualsTheTrainingForwardPass(@ForAll @IntRange(min = 1, max = 40) int batch, @ForAll boolean sequences,
                                               @ForAll long seed) {
        Random random = new Random(seed);
        int[] lengths = new int[batch];
        int[] offsets = new int[batch];
        for (int s = 0; s < batch; s++) {
            lengths[s] = random.nextInt(60);
            offsets[s] = s == 0 ? 0 : offsets[s - 1] + lengths[s - 1];
        }
        int tokens = offsets[batch - 1] + lengths[batch - 1];
        Bidirectional layer = new Bidirectional(new Lstm(16, false, sequences, "lstm"), "bidirectional");
        layer.build(8, new Rng(seed));
        Tensor inputs = GradientCheck.random(random, -1, 1, tokens, 8);
        SequenceBatch recorded = new SequenceBatch(Variable.parameter(inputs, "values"), lengths, offsets);
        SequenceBatch constant = new SequenceBatch(Variable.constant(inputs), lengths, offsets);
        float[] training = output(layer.forward(recorded, new Ops(KERNELS, Tape.recording())));
        float[] inference = output(layer.forward(constant, new Ops(KERNELS, Tape.inference())));
        org.junit.jupiter.api.Assertions.assertArrayEquals(training, inference);
    }

    private static float[] output(LayerValue value) {
        return value instanceof SequenceBatch s ? s.values().data() : ((FeatureBatch) value).values().data();
    }

    private interface Forward {
        Variable apply(Ops ops, Variable values, List<Variable> parameters);
    }

    private record Run(float[] output, List<float[]> gradients) {}

    private static Run run(Lstm layer, Tensor inputs, int[] lengths, int[] offsets, Tensor seedGradient, Forward forward) {
        Variable values = Variable.parameter(inputs.copy(), "values");
        List<Variable> parameters = layer.parameters();
        parameters.forEach(Variable::zeroGrad);
        Tape tape = Tape.recording();
        Variable output = forward.apply(new Ops(KERNELS, tape), values, parameters);
        tape.backward(output, seedGradient);
        List<float[]> gradients = new ArrayList<>();
        for (Variable parameter : parameters) {
            gradients.add(parameter.grad().data().clone());
            parameter.zeroGrad();
        }
        gradients.add(values.grad().data().clone());
        return new Run(output.data().clone(), gradients);
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " size");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 + 1e-4 * Math.abs(expected[i]), what + " at " + i);
        }
    }
}
