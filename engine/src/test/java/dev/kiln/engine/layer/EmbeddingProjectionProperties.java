package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.GradientCheck;
import dev.kiln.engine.autodiff.InputProjection;
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
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The table path of a recurrent layer fed by an Embedding (project the table once, scatter gate
 * gradients per entry) against the per-token path, for the LSTM, the GRU and the SimpleRNN:
 * outputs and every gradient (embeddings, kernels, recurrent kernels, biases), single and
 * bidirectional, final state and sequences, random vocabulary, widths and uneven lengths with 0
 * and 1 among them; alone or as the first of two stacked layers (the second reads the first one's
 * h, so it takes the per-token path). They
 * differ only in the order of float sums: |table - per token| <= 1e-5 (|per token| + the largest magnitude of the array / 10).
 * (The second term is for entries that are small differences of large sums: with a vocabulary of
 * 2, an embedding gradient of -0.0046 summed from terms of about 4 differed by 7.7e-7.)
 * The table path is also bit-identical on 1 and 2 threads.
 */
class EmbeddingProjectionProperties {

    @Property(tries = 90)
    void theTablePathEqualsThePerTokenPath(@ForAll @IntRange(min = 1, max = 60) int vocabulary,
                                           @ForAll @IntRange(min = 1, max = 12) int features,
                                           @ForAll @IntRange(min = 1, max = 20) int units,
                                           @ForAll @IntRange(min = 1, max = 8) int batch,
                                           @ForAll boolean bidirectional, @ForAll boolean sequences, @ForAll boolean maskZero,
                                           @ForAll boolean stacked, @ForAll Cell cell, @ForAll long seed) {
        Random random = new Random(seed);
        int[][] rows = new int[batch][];
        for (int s = 0; s < batch; s++) {
            rows[s] = new int[s == 0 ? 1 : s == 1 ? 0 : random.nextInt(30)];
            for (int t = 0; t < rows[s].length; t++) {
                rows[s][t] = random.nextInt(vocabulary);
            }
        }
        TokenBatch tokens = TokenBatch.ofRows(rows);
        Embedding embedding = new Embedding(vocabulary, features, maskZero, "embedding");
        Layer first = bidirectional
                ? new Bidirectional(cell.layer(units, false, sequences || stacked, "recurrent"), "bidirectional")
                : cell.layer(units, random.nextBoolean(), sequences || stacked, "recurrent");
        // Stacked: only the first layer reads embedding rows; the second one's input is the first one's h.
        List<Layer> recurrent = stacked ? List.of(first, cell.layer(units, false, sequences, "recurrent_1")) : List.of(first);
        embedding.build(0, new Rng(seed));
        int width = features;
        for (int l = 0; l < recurrent.size(); l++) {
            recurrent.get(l).build(width, new Rng(seed + 1 + l));
            width = l == 0 && bidirectional ? 2 * units : units;
        }
        List<Variable> parameters = new ArrayList<>(embedding.parameters());
        recurrent.forEach(layer -> parameters.addAll(layer.parameters()));
        try (ComputePool one = ComputePool.singleThreaded(); ComputePool two = ComputePool.withThreads(2)) {
            Run perToken = run(Kernels.preferred(one), InputProjection.PER_TOKEN, embedding, recurrent, tokens, parameters, seed);
            Run table = run(Kernels.preferred(one), InputProjection.TABLE, embedding, recurrent, tokens, parameters, seed);
            Run tableOnTwo = run(Kernels.preferred(two), InputProjection.TABLE, embedding, recurrent, tokens, parameters, seed);
            assertClose("output", perToken.output(), table.output());
            for (int p = 0; p < parameters.size(); p++) {
                assertClose("gradient of " + parameters.get(p).name(), perToken.gradients().get(p), table.gradients().get(p));
                assertArrayEquals(table.gradients().get(p), tableOnTwo.gradients().get(p), "1 and 2 threads");
            }
            assertArrayEquals(table.output(), tableOnTwo.output(), "1 and 2 threads");
            Run inference = infer(Kernels.preferred(two), InputProjection.TABLE, embedding, recurrent, tokens);
            assertClose("inference output", perToken.output(), inference.output());
            Run perTokenInference = infer(Kernels.preferred(two), InputProjection.PER_TOKEN, embedding, recurrent, tokens);
            assertArrayEquals(perToken.output(), perTokenInference.output(), "prediction computes what training does");
        }
    }

    /** The recurrent layers with a table path. */
    enum Cell {
        LSTM, GRU, SIMPLE_RNN;

        Recurrent layer(int units, boolean goBackwards, boolean returnSequences, String name) {
            return switch (this) {
                case LSTM -> new Lstm(units, goBackwards, returnSequences, name);
                case GRU -> new CellRnn(CellRnn.Kind.GRU, units, goBackwards, returnSequences, name);
                case SIMPLE_RNN -> new CellRnn(CellRnn.Kind.SIMPLE_RNN, units, goBackwards, returnSequences, name);
            };
        }
    }

    private record Run(float[] output, List<float[]> gradients) {}

    private static Run run(Kernels kernels, InputProjection projection, Embedding embedding, List<Layer> recurrent,
                           TokenBatch tokens, List<Variable> parameters, long seed) {
        parameters.forEach(Variable::zeroGrad);
        Tape tape = Tape.recording();
        Ops ops = new Ops(kernels, tape, Map.of(), projection);
        Variable output = output(forward(recurrent, embedding.forward(tokens, ops), ops));
        tape.backward(output, GradientCheck.random(new Random(seed), -1, 1, output.shape().toArray()));
        List<float[]> gradients = new ArrayList<>();
        for (Variable parameter : parameters) {
            gradients.add(parameter.grad().data().clone());
            parameter.zeroGrad();
        }
        return new Run(output.data().clone(), gradients);
    }

    /** Prediction (no tape), which keeps no per-token state. */
    private static Run infer(Kernels kernels, InputProjection projection, Embedding embedding, List<Layer> recurrent,
                             TokenBatch tokens) {
        Ops ops = new Ops(kernels, Tape.inference(), Map.of(), projection);
        return new Run(output(forward(recurrent, embedding.forward(tokens, ops), ops)).data().clone(), List.of());
    }

    private static LayerValue forward(List<Layer> layers, LayerValue input, Ops ops) {
        LayerValue value = input;
        for (Layer layer : layers) {
            value = layer.forward(value, ops);
        }
        return value;
    }

    private static Variable output(LayerValue value) {
        return value instanceof SequenceBatch s ? s.values() : ((FeatureBatch) value).values();
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " size");
        float scale = 0;
        for (float value : expected) {
            scale = Math.max(scale, Math.abs(value));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * (Math.abs(expected[i]) + scale / 10) + 1e-7, what + " at " + i);
        }
    }
}
