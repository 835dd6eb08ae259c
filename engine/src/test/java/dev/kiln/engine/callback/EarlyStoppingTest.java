package dev.kiln.engine.callback;

import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EarlyStopping against Keras 2's counting, on scripted metric sequences. */
class EarlyStoppingTest {

    /** A model stand-in whose "weights" are one number: the epoch that set them. */
    private static final class FakeModel implements TrainingContext {
        @Override
        public FitProgress fitProgress() {
            return null;
        }

        boolean stop;
        float weight;
        double learningRate = 0.01;

        @Override
        public double learningRate() {
            return learningRate;
        }

        @Override
        public void setLearningRate(double rate) {
            learningRate = rate;
        }

        @Override
        public void requestStop() {
            stop = true;
        }

        @Override
        public boolean stopRequested() {
            return stop;
        }

        @Override
        public List<Tensor> weightsSnapshot() {
            return List.of(Tensor.scalar(weight));
        }

        @Override
        public void restoreWeights(List<Tensor> snapshot) {
            weight = snapshot.get(0).item();
        }
    }

    /** Runs the callback over the values like fit does; returns the epoch (0-based) after which fit stopped, or -1. */
    private static int run(EarlyStopping callback, FakeModel model, String monitor, double... values) {
        callback.setContext(model, new FitParameters(0, values.length, 1));
        callback.onTrainBegin(Logs.empty());
        for (int epoch = 0; epoch < values.length; epoch++) {
            model.weight = epoch;
            callback.onEpochEnd(epoch, Logs.of(Map.of(monitor, values[epoch])));
            if (model.stop) {
                return epoch;
            }
        }
        return -1;
    }

    @Test
    void patienceFiveStopsAtTheFifthEpochWithoutImprovement() {
        // best at index 2, then five epochs without a strict improvement (an equal value is none)
        FakeModel model = new FakeModel();
        int stopped = run(new EarlyStopping("val_loss", 5), model, "val_loss", 0.9, 0.8, 0.7, 0.7, 0.75, 0.71, 0.8, 0.72, 0.6);
        assertEquals(7, stopped, "stops at index k + 5 = 7");
    }

    @Test
    void withTenEpochsABestAtIndexFourStopsAtTheLastEpochAndLaterBestsNever() {
        double[] bestAtFour = {0.9, 0.8, 0.7, 0.6, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6};
        assertEquals(9, run(new EarlyStopping("val_loss", 5), new FakeModel(), "val_loss", bestAtFour));
        double[] bestAtFive = {0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.6, 0.6, 0.6, 0.6};
        assertEquals(-1, run(new EarlyStopping("val_loss", 5), new FakeModel(), "val_loss", bestAtFive));
    }

    @Test
    void patienceZeroNeverStopsAtTheFirstEpoch() {
        assertEquals(1, run(new EarlyStopping("val_loss", 0), new FakeModel(), "val_loss", 1.0, 2.0, 3.0));
    }

    @Test
    void minDeltaAndAutoModeForAccuracy() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        EarlyStopping accuracy = EarlyStopping.builder("val_accuracy").minDelta(0.05).patience(2).out(quiet).build();
        // +0.03 and +0.04 are not improvements by more than 0.05, so patience 2 runs out at index 2
        assertEquals(2, run(accuracy, new FakeModel(), "val_accuracy", 0.5, 0.53, 0.54, 0.9));
        assertEquals(0.5, accuracy.best(), 1e-12);
    }

    @Test
    void baselineKeepsCountingUntilItIsBeaten() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        EarlyStopping callback = EarlyStopping.builder("val_loss").patience(2).mode(Mode.MIN).baseline(0.5).out(quiet).build();
        // improvements that do not beat 0.5 never reset wait: the first non-improvement stops at once
        assertEquals(2, run(callback, new FakeModel(), "val_loss", 0.9, 0.8, 0.85));
        EarlyStopping beaten = EarlyStopping.builder("val_loss").patience(2).mode(Mode.MIN).baseline(0.5).out(quiet).build();
        assertEquals(-1, run(beaten, new FakeModel(), "val_loss", 0.9, 0.4, 0.45));
    }

    /** Keras 3's rule: the best epoch's weights come back when training ends, not at the stopping epoch. */
    @Test
    void restoreBestWeightsPutsTheBestEpochBackAtTrainEnd() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
        EarlyStopping callback = EarlyStopping.builder("val_loss").patience(2).mode(Mode.MIN).restoreBestWeights(true).verbose(1)
                .out(out).build();
        FakeModel model = new FakeModel();
        assertEquals(3, run(callback, model, "val_loss", 0.9, 0.5, 0.6, 0.7, 0.1));
        assertEquals(3f, model.weight, "not yet restored when it stops");
        callback.onTrainEnd(Logs.empty());
        assertEquals(1f, model.weight, "weights of epoch index 1");
        String printed = text.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("Restoring model weights from the end of the best epoch: 2."), printed);
        assertTrue(printed.contains("Epoch 4: early stopping"), printed);
    }

    @Test
    void restoreBestWeightsAlsoWhenTrainingRanToTheEnd() {
        EarlyStopping callback = EarlyStopping.builder("val_loss").patience(5).restoreBestWeights(true).build();
        FakeModel model = new FakeModel();
        assertEquals(-1, run(callback, model, "val_loss", 0.9, 0.5, 0.6));
        assertEquals(2f, model.weight, "the last epoch's weights until training ends");
        callback.onTrainEnd(Logs.empty());
        assertEquals(1f, model.weight, "the best epoch's weights after it");
    }

    @Test
    void aMissingMetricWarnsAndDoesNotCount() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        EarlyStopping callback = EarlyStopping.builder("val_loss").out(new PrintStream(text, true, StandardCharsets.UTF_8)).build();
        FakeModel model = new FakeModel();
        callback.setContext(model, new FitParameters(0, 3, 1));
        callback.onTrainBegin(Logs.empty());
        callback.onEpochEnd(1, Logs.of(Map.of("loss", 0.3)));
        assertFalse(model.stop);
        assertTrue(text.toString(StandardCharsets.UTF_8).contains(
                "Early stopping conditioned on metric `val_loss` which is not available. Available metrics are: loss"));
    }

    @Test
    void startFromEpochSkipsTheFirstEpochs() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        EarlyStopping callback = EarlyStopping.builder("val_loss").patience(1).mode(Mode.MIN).startFromEpoch(3).out(quiet).build();
        List<Double> worse = new ArrayList<>(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0));
        assertEquals(4, run(callback, new FakeModel(), "val_loss", worse.stream().mapToDouble(d -> d).toArray()));
    }
}
