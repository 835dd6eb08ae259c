package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.InputProjection;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.StepBuffers;
import dev.kiln.engine.autodiff.StepNoise;
import dev.kiln.engine.autodiff.StepPhases;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.FitOptions;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dropout: Keras' inverted dropout in training only, with draws keyed by position, not by thread or shard. */
class DropoutTest {
    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());

    private static Ops training(long step, int firstExample, Tape tape) {
        return new Ops(KERNELS, tape, Map.of(), InputProjection.AUTO, StepBuffers.none(), StepPhases.off(),
                new StepNoise(step, firstExample));
    }

    private static Tensor ones(int rows, int width) {
        float[] data = new float[rows * width];
        Arrays.fill(data, 1f);
        return Tensor.wrap(data, rows, width);
    }

    @Test
    void dropsAboutTheRateAndScalesTheRestAndTheGradientFollowsTheMask() {
        Dropout dropout = new Dropout(0.3, 7, false, "dropout");
        dropout.build(ValueSpec.input(50), ParameterSource.initial(new Rng(1)));
        Tape tape = Tape.recording();
        Variable x = Variable.parameter(ones(200, 50), "x");
        Variable y = ((FeatureBatch) dropout.forward(new FeatureBatch(x), training(3, 0, tape))).values();
        int dropped = 0;
        for (float value : y.data()) {
            if (value == 0) {
                dropped++;
            } else {
                assertEquals(1 / 0.7f, value, 1e-6);
            }
        }
        assertEquals(0.3, dropped / 10_000.0, 0.02);
        tape.backward(y, ones(200, 50));
        assertArrayEquals(y.data(), x.grad().data(), "dL/dx = mask / (1 - rate)");
    }

    /** A batch split into shards draws what the whole batch draws: the example index is the batch's. */
    @Test
    void shardsDrawWhatTheWholeBatchDraws() {
        Dropout dropout = new Dropout(0.5, 11, false, "dropout");
        dropout.build(ValueSpec.input(8), ParameterSource.initial(new Rng(1)));
        float[] whole = ((FeatureBatch) dropout.forward(new FeatureBatch(Variable.constant(ones(6, 8))),
                training(5, 0, Tape.recording()))).values().data();
        float[] first = ((FeatureBatch) dropout.forward(new FeatureBatch(Variable.constant(ones(4, 8))),
                training(5, 0, Tape.recording()))).values().data();
        float[] second = ((FeatureBatch) dropout.forward(new FeatureBatch(Variable.constant(ones(2, 8))),
                training(5, 4, Tape.recording()))).values().data();
        float[] joined = Arrays.copyOf(first, 48);
        System.arraycopy(second, 0, joined, 32, 16);
        assertArrayEquals(whole, joined);
        float[] nextStep = ((FeatureBatch) dropout.forward(new FeatureBatch(Variable.constant(ones(6, 8))),
                training(6, 0, Tape.recording()))).values().data();
        assertNotEquals(Arrays.toString(whole), Arrays.toString(nextStep), "each step draws anew");
    }

    /** On sequences each token draws its own; SpatialDropout1D drops a channel at every step of an example. */
    @Test
    void sequencesAndSpatialDropout() {
        int[] lengths = {3, 0, 2};
        int[] offsets = {0, 3, 3};
        SequenceBatch sequences = new SequenceBatch(Variable.constant(ones(5, 40)), lengths, offsets);
        Dropout spatial = new Dropout(0.5, 3, true, "spatial");
        spatial.build(new ValueSpec(ValueSpec.SEQUENCES, 40), ParameterSource.initial(new Rng(1)));
        SequenceBatch out = (SequenceBatch) spatial.forward(sequences, training(0, 0, Tape.recording()));
        assertArrayEquals(lengths, out.lengths());
        float[] y = out.values().data();
        for (int j = 0; j < 40; j++) {
            assertEquals(y[j], y[40 + j], "token 1 of example 0 shares token 0's channel " + j);
            assertEquals(y[2 * 40 + j], y[j]);
            assertEquals(y[3 * 40 + j], y[4 * 40 + j], "example 2's two tokens");
        }
        Dropout plain = new Dropout(0.5, 3, false, "plain");
        plain.build(new ValueSpec(ValueSpec.SEQUENCES, 40), ParameterSource.initial(new Rng(1)));
        float[] z = ((SequenceBatch) plain.forward(sequences, training(0, 0, Tape.recording()))).values().data();
        assertNotEquals(Arrays.toString(Arrays.copyOfRange(z, 0, 40)), Arrays.toString(Arrays.copyOfRange(z, 40, 80)));
    }

    /**
     * Between an Embedding and a recurrent layer, training dropout makes new values, so they are no
     * longer table rows and the layer must multiply them (issue 12's rule); prediction drops nothing,
     * so the batch, table rows included, passes through.
     */
    @Test
    void trainingDropoutTurnsTheTablePathOffAndPredictionKeepsIt() {
        Embedding embedding = new Embedding(10, 4, true, "embedding");
        embedding.build(0, new Rng(3));
        Dropout dropout = new Dropout(0.5, 3, false, "dropout");
        dropout.build(new ValueSpec(ValueSpec.SEQUENCES, 4), ParameterSource.initial(new Rng(1)));
        TokenBatch tokens = TokenBatch.ofRows(new int[][] {{1, 2, 3}, {}, {5, 5}});

        Ops training = training(0, 0, Tape.recording());
        SequenceBatch embedded = (SequenceBatch) embedding.forward(tokens, training);
        assertTrue(embedded.rows() != null, "an Embedding's output are table rows");
        SequenceBatch dropped = (SequenceBatch) dropout.forward(embedded, training);
        assertNull(dropped.rows(), "dropped values are not table rows");

        Ops predicting = new Ops(KERNELS, Tape.inference());
        SequenceBatch predicted = (SequenceBatch) embedding.forward(tokens, predicting);
        assertSame(predicted, dropout.forward(predicted, predicting));
    }

    @Test
    void outsideTrainingItIsTheIdentity() {
        Dropout dropout = new Dropout(0.5, "dropout");
        dropout.build(ValueSpec.input(4), ParameterSource.initial(new Rng(1)));
        FeatureBatch input = new FeatureBatch(Variable.constant(ones(3, 4)));
        assertSame(input, dropout.forward(input, new Ops(KERNELS, Tape.inference())));
    }

    private static Sequential model(boolean withDropout) {
        List<Layer> layers = new ArrayList<>(List.of(new Embedding(10, 4, true, "embedding"), new Lstm(5, false, "lstm"),
                new Dense(6, Activation.RELU, "dense")));
        if (withDropout) {
            layers.add(new Dropout(0.5, 21, false, "dropout"));
        }
        layers.add(new Dense(1, Activation.LINEAR, "dense_1"));
        Sequential model = new Sequential(layers);
        model.build(0, new Rng(4));
        return model;
    }

    private static List<LabeledBatch> data() {
        Rng rng = new Rng(9);
        List<LabeledBatch> batches = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            int[][] rows = new int[12][];
            float[] labels = new float[12];
            for (int i = 0; i < 12; i++) {
                rows[i] = new int[1 + rng.nextInt(6)];
                for (int t = 0; t < rows[i].length; t++) {
                    rows[i][t] = 1 + rng.nextInt(9);
                }
                labels[i] = rng.nextInt(2);
            }
            batches.add(new LabeledBatch(TokenBatch.ofRows(rows), labels));
        }
        return batches;
    }

    /** Training with dropout gives the same weights on 1 and 2 threads; predict uses no dropout and repeats. */
    @Test
    void trainingIsThreadIndependentAndPredictionDropsNothing() {
        List<float[]> finals = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            try (ComputePool pool = ComputePool.withThreads(threads)) {
                Sequential model = model(true);
                model.compile(new Adam(0.01), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()),
                        Engine.on(pool).withShardSize(4));
                model.fit(Dataset.fromList(data()), FitOptions.epochs(2));
                List<Float> flat = new ArrayList<>();
                model.weightsSnapshot().forEach(t -> {
                    for (float v : t.data()) {
                        flat.add(v);
                    }
                });
                float[] values = new float[flat.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = flat.get(i);
                }
                finals.add(values);
                if (threads == 2) {
                    Sequential twin = model(false);
                    twin.restoreWeights(model.weightsSnapshot());
                    twin.compile(BinaryCrossentropy.fromLogits(), List.of(), Engine.on(pool));
                    LayerValue inputs = data().getFirst().inputs();
                    float[] predicted = model.predict(inputs).data();
                    assertArrayEquals(twin.predict(inputs).data(), predicted, "predict drops nothing");
                    assertArrayEquals(predicted, model.predict(inputs).data(), "and repeats");
                }
            }
        }
        assertArrayEquals(finals.get(0), finals.get(1), "1 vs 2 threads");
        assertTrue(finals.get(0).length > 0);
    }
}
