package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.GradientCheck;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.random.Rng;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LSTM and Bidirectional gradients against finite differences on sequences of uneven length. */
class RecurrentGradientProperties {

    /** Lengths always include 1 and 0 (a fully padded row), plus random ones. */
    private static int[] lengths(Random random, int batch) {
        int[] lengths = new int[batch];
        lengths[0] = 1;
        if (batch > 1) {
            lengths[1] = 0;
        }
        for (int s = 2; s < batch; s++) {
            lengths[s] = 1 + random.nextInt(5);
        }
        return lengths;
    }

    private static int[] offsets(int[] lengths) {
        int[] offsets = new int[lengths.length];
        for (int s = 1; s < lengths.length; s++) {
            offsets[s] = offsets[s - 1] + lengths[s - 1];
        }
        return offsets;
    }

    @Property(tries = 8)
    void lstmGradientsForInputsAndWeights(@ForAll @IntRange(min = 2, max = 4) int batch, @ForAll boolean backwards,
                                          @ForAll long seed) {
        Random random = new Random(seed);
        int[] lengths = lengths(random, batch);
        int[] offsets = offsets(lengths);
        int tokens = offsets[batch - 1] + lengths[batch - 1];
        Lstm lstm = new Lstm(3, backwards, "lstm");
        lstm.build(4, new Rng(seed));
        Variable values = Variable.parameter(GradientCheck.random(random, -1, 1, tokens, 4), "values");
        List<Variable> checked = new ArrayList<>(lstm.parameters());
        checked.add(values);
        GradientCheck.assertParameterGradients("lstm", ops ->
                ((FeatureBatch) lstm.forward(new SequenceBatch(values, lengths, offsets), ops)).values(), checked);
    }

    @Property(tries = 8)
    void bidirectionalGradients(@ForAll @IntRange(min = 2, max = 4) int batch, @ForAll("mergeModes") String mergeMode,
                                @ForAll long seed) {
        Random random = new Random(seed);
        int[] lengths = lengths(random, batch);
        int[] offsets = offsets(lengths);
        int tokens = offsets[batch - 1] + lengths[batch - 1];
        Bidirectional layer = new Bidirectional(new Lstm(2, false, "lstm"), mergeMode, "bidirectional");
        layer.build(3, new Rng(seed));
        Variable values = Variable.parameter(GradientCheck.random(random, -1, 1, tokens, 3), "values");
        List<Variable> checked = new ArrayList<>(layer.parameters());
        checked.add(values);
        GradientCheck.assertParameterGradients("bidirectional", ops ->
                ((FeatureBatch) layer.forward(new SequenceBatch(values, lengths, offsets), ops)).values(), checked);
    }

    /** GRU and SimpleRNN: inputs and every weight, both directions, final states and sequences. */
    @Property(tries = 12)
    void gruAndSimpleRnnGradients(@ForAll CellRnn.Kind kind, @ForAll boolean backwards, @ForAll boolean sequences,
                                  @ForAll @IntRange(min = 2, max = 4) int batch, @ForAll long seed) {
        Random random = new Random(seed);
        int[] lengths = lengths(random, batch);
        int[] offsets = offsets(lengths);
        int tokens = offsets[batch - 1] + lengths[batch - 1];
        CellRnn layer = new CellRnn(kind, 3, backwards, sequences, "rnn");
        layer.build(4, new Rng(seed));
        for (Variable parameter : layer.parameters()) { // non-zero biases, so their gradients are exercised
            float[] data = parameter.data();
            for (int i = 0; i < data.length; i++) {
                data[i] += (float) (0.3 * random.nextGaussian());
            }
        }
        Variable values = Variable.parameter(GradientCheck.random(random, -1, 1, tokens, 4), "values");
        List<Variable> checked = new ArrayList<>(layer.parameters());
        checked.add(values);
        GradientCheck.assertParameterGradients(kind.name(), ops -> {
            LayerValue out = layer.forward(new SequenceBatch(values, lengths, offsets), ops);
            return out instanceof SequenceBatch s ? s.values() : ((FeatureBatch) out).values();
        }, checked);
    }

    /**
     * Bidirectional wraps a GRU or a SimpleRNN as it wraps an LSTM (both directions in one
     * operation, run in parallel), final states or sequences, merged; and it computes what the two
     * directions compute one after the other.
     */
    @Property(tries = 8)
    void bidirectionalCellGradients(@ForAll @IntRange(min = 2, max = 4) int batch, @ForAll CellRnn.Kind kind,
                                    @ForAll boolean sequences, @ForAll long seed) {
        Random random = new Random(seed);
        int[] lengths = lengths(random, batch);
        int[] offsets = offsets(lengths);
        int tokens = offsets[batch - 1] + lengths[batch - 1];
        CellRnn forward = new CellRnn(kind, 2, false, sequences, "rnn");
        Bidirectional layer = new Bidirectional(forward, "bidirectional");
        layer.build(3, new Rng(seed));
        Variable values = Variable.parameter(GradientCheck.random(random, -1, 1, tokens, 3), "values");
        List<Variable> checked = new ArrayList<>(layer.parameters());
        checked.add(values);
        SequenceBatch input = new SequenceBatch(values, lengths, offsets);
        GradientCheck.assertParameterGradients("bidirectional " + kind, ops -> outputValues(layer.forward(input, ops)), checked);
        Ops ops = new Ops(Kernels.preferred(ComputePool.singleThreaded()), Tape.inference());
        List<Variable> w = layer.parameters();
        Variable both = kind == CellRnn.Kind.GRU
                ? ops.bidirectionalGru(values, lengths, offsets, w.subList(0, 3), w.subList(3, 6), sequences)
                : ops.bidirectionalSimpleRnn(values, lengths, offsets, w.subList(0, 3), w.subList(3, 6), sequences);
        List<Variable> oneAfterTheOther = new ArrayList<>();
        for (int d = 0; d < 2; d++) {
            List<Variable> own = w.subList(3 * d, 3 * d + 3);
            oneAfterTheOther.add(kind == CellRnn.Kind.GRU
                    ? ops.gru(values, lengths, offsets, own.get(0), own.get(1), own.get(2), d == 1, sequences)
                    : ops.simpleRnn(values, lengths, offsets, own.get(0), own.get(1), own.get(2), d == 1, sequences));
        }
        assertArrayEquals(ops.concat(oneAfterTheOther).data(), both.data());
    }

    private static Variable outputValues(LayerValue output) {
        return output instanceof SequenceBatch sequences ? sequences.values() : ((FeatureBatch) output).values();
    }

    @Provide
    Arbitrary<String> mergeModes() {
        return Arbitraries.of(Bidirectional.MERGE_MODES);
    }

    /** sum, ave and mul merge the two directions that concat puts side by side; with sequences, at each token. */
    @Test
    void mergeModesCombineTheTwoDirections() {
        int[] lengths = {3, 0, 1};
        int[] offsets = offsets(lengths);
        Variable values = Variable.constant(GradientCheck.random(new Random(3), -1, 1, 4, 3));
        var ops = new dev.kiln.engine.autodiff.Ops(
                dev.kiln.engine.kernel.Kernels.preferred(dev.kiln.engine.kernel.ComputePool.singleThreaded()),
                dev.kiln.engine.autodiff.Tape.inference());
        for (boolean sequences : new boolean[] {false, true}) {
            java.util.Map<String, float[]> outputs = new java.util.HashMap<>();
            for (String mode : Bidirectional.MERGE_MODES) {
                Bidirectional layer = new Bidirectional(new Lstm(2, false, sequences, "lstm"), mode, "bidirectional");
                layer.build(3, new Rng(7)); // the same weights for every mode
                LayerValue out = layer.forward(new SequenceBatch(values, lengths, offsets), ops);
                outputs.put(mode, sequences ? ((SequenceBatch) out).values().data() : ((FeatureBatch) out).values().data());
            }
            float[] concat = outputs.get("concat");
            for (int row = 0; row < concat.length / 4; row++) {
                for (int u = 0; u < 2; u++) {
                    float f = concat[row * 4 + u];
                    float b = concat[row * 4 + 2 + u];
                    assertEquals(f + b, outputs.get("sum")[row * 2 + u], 1e-6);
                    assertEquals((f + b) / 2, outputs.get("ave")[row * 2 + u], 1e-6);
                    assertEquals(f * b, outputs.get("mul")[row * 2 + u], 1e-6);
                }
            }
        }
    }

    @Test
    void anEmptySequenceGivesZerosAndPaddingChangesNothing() {
        Lstm lstm = new Lstm(3, false, "lstm");
        lstm.build(2, new Rng(1));
        Embedding embedding = new Embedding(10, 2, true, "embedding");
        embedding.build(0, new Rng(2));
        var ops = new dev.kiln.engine.autodiff.Ops(
                dev.kiln.engine.kernel.Kernels.preferred(dev.kiln.engine.kernel.ComputePool.singleThreaded()),
                dev.kiln.engine.autodiff.Tape.inference());
        float[] padded = ((FeatureBatch) lstm.forward(embedding.forward(
                TokenBatch.ofPadded(new int[][] {{3, 4, 5, 0, 0}, {0, 0, 0, 0, 0}}), ops), ops)).values().data();
        float[] exact = ((FeatureBatch) lstm.forward(embedding.forward(
                TokenBatch.ofRows(new int[][] {{3, 4, 5}, {}}), ops), ops)).values().data();
        assertArrayEquals(exact, padded);
        for (int u = 3; u < 6; u++) {
            assertEquals(0f, padded[u], "the empty row's output");
        }
    }

    @Test
    void initializersFollowKeras() {
        var recurrent = Initializers.orthogonal(new Rng(5), 8, 32).data();
        for (int a = 0; a < 8; a++) {
            for (int b = 0; b < 8; b++) {
                double dot = 0;
                for (int c = 0; c < 32; c++) {
                    dot += recurrent[a * 32 + c] * recurrent[b * 32 + c];
                }
                assertEquals(a == b ? 1.0 : 0.0, dot, 1e-5, "rows " + a + ", " + b + " of the orthogonal kernel");
            }
        }
        float limit = (float) Math.sqrt(6.0 / (64 + 256));
        for (float value : Initializers.glorotUniform(new Rng(6), 64, 256).data()) {
            assertTrue(Math.abs(value) <= limit, "glorot value " + value + " beyond " + limit);
        }
        Lstm lstm = new Lstm(4, false, "lstm");
        lstm.build(3, new Rng(7));
        float[] bias = lstm.parameters().get(2).data();
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, bias, "forget bias 1");
    }
}
