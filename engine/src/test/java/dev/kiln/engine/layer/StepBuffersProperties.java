package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.GradientCheck;
import dev.kiln.engine.autodiff.InputProjection;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.StepBuffers;
import dev.kiln.engine.autodiff.StepPhases;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.random.Rng;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reused step buffers hold the previous step's numbers; nothing may read them. A run of random
 * steps (batches of random sizes, shrinking and growing; training and inference; table and
 * per-token paths mixed; weights changed between some steps, so a kept table projection must
 * notice) on one reused {@link StepBuffers} gives bit-for-bit the outputs and gradients of fresh
 * arrays, and {@link StepBuffers#release} lets them go.
 */
class StepBuffersProperties {

    @Property(tries = 40)
    void reusedBuffersGiveTheResultsOfFreshOnes(@ForAll @IntRange(min = 1, max = 40) int vocabulary,
                                                @ForAll @IntRange(min = 1, max = 10) int features,
                                                @ForAll @IntRange(min = 1, max = 12) int units,
                                                @ForAll boolean sequences, @ForAll long seed) {
        Random random = new Random(seed);
        Embedding embedding = new Embedding(vocabulary, features, true, "embedding");
        Layer recurrent = new Bidirectional(new Lstm(units, false, sequences, "lstm"), "bidirectional");
        embedding.build(0, new Rng(seed));
        recurrent.build(features, new Rng(seed + 1));
        List<Variable> parameters = new ArrayList<>(embedding.parameters());
        parameters.addAll(recurrent.parameters());
        StepBuffers reused = StepBuffers.reused();
        boolean anyToken = false; // with mask_zero, a vocabulary of 1 leaves no tokens at all
        try (ComputePool pool = ComputePool.withThreads(2)) {
            Kernels kernels = Kernels.preferred(pool);
            for (int step = 0; step < 6; step++) {
                TokenBatch tokens = randomBatch(random, vocabulary);
                anyToken |= tokens.withoutZeros().ids().length > 0;
                InputProjection projection = random.nextBoolean() ? InputProjection.TABLE : InputProjection.PER_TOKEN;
                boolean train = random.nextInt(3) > 0;
                long gradientSeed = random.nextLong();
                reused.rewind();
                List<float[]> withReuse = run(kernels, projection, reused, train, embedding, recurrent, tokens, parameters,
                        gradientSeed);
                List<float[]> fresh = run(kernels, projection, StepBuffers.none(), train, embedding, recurrent, tokens,
                        parameters, gradientSeed);
                for (int i = 0; i < fresh.size(); i++) {
                    assertArrayEquals(fresh.get(i), withReuse.get(i), "step " + step + ", array " + i);
                }
                if (random.nextBoolean()) { // a weight changes (as an optimizer step or a load would): no stale projection
                    float[] weights = parameters.get(random.nextBoolean() ? 0 : random.nextInt(parameters.size())).data(); // often E
                    weights[random.nextInt(weights.length)] += 0.25f;
                }
            }
        }
        assertTrue(!anyToken || reused.bytesHeld() > 0, "the buffers were kept");
        reused.release();
        assertTrue(reused.bytesHeld() == 0, "release drops them");
    }

    private static TokenBatch randomBatch(Random random, int vocabulary) {
        int[][] rows = new int[1 + random.nextInt(7)][];
        for (int s = 0; s < rows.length; s++) {
            rows[s] = new int[random.nextInt(25)];
            for (int t = 0; t < rows[s].length; t++) {
                rows[s][t] = random.nextInt(vocabulary);
            }
        }
        return TokenBatch.ofRows(rows);
    }

    /** The output, then (training) every parameter's gradient. */
    private static List<float[]> run(Kernels kernels, InputProjection projection, StepBuffers buffers, boolean train,
                                     Embedding embedding, Layer recurrent, TokenBatch tokens, List<Variable> parameters,
                                     long gradientSeed) {
        parameters.forEach(Variable::zeroGrad);
        Tape tape = train ? Tape.recording() : Tape.inference();
        Ops ops = new Ops(kernels, tape, Map.of(), projection, buffers, StepPhases.off());
        LayerValue value = recurrent.forward(embedding.forward(tokens, ops), ops);
        Variable output = value instanceof SequenceBatch s ? s.values() : ((FeatureBatch) value).values();
        List<float[]> results = new ArrayList<>(List.of(output.data().clone()));
        if (train && output.shape().dim(0) > 0) {
            tape.backward(output, GradientCheck.random(new Random(gradientSeed), -1, 1, output.shape().toArray()));
            for (Variable parameter : parameters) {
                results.add(parameter.grad().data().clone());
            }
        }
        return results;
    }
}
