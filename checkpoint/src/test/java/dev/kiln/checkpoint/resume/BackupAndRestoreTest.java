package dev.kiln.checkpoint.resume;

import dev.kiln.checkpoint.callback.BackupAndRestore;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.model.ModelParts;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupAndRestoreTest {

    /** Throws at the n-th training batch of the whole run: a crash at a chosen point. */
    private static final class CrashAt implements Callback {
        private final int batch;
        private int seen;

        CrashAt(int batch) {
            this.batch = batch;
        }

        @Override
        public void onTrainBatchEnd(int index, Logs logs) {
            if (++seen == batch) {
                throw new IllegalStateException("simulated crash");
            }
        }
    }

    private static final ResumableRun.Outcome UNINTERRUPTED = ResumableRun.train(tempDir(), 1, List.of(), 1);
    /** Per setup, an uninterrupted run and the folder it wrote (its CSV log). */
    private static final Map<ResumableRun.Setup, Map.Entry<Path, ResumableRun.Outcome>> REFERENCES = new ConcurrentHashMap<>();

    private static Map.Entry<Path, ResumableRun.Outcome> reference(ResumableRun.Setup setup) {
        return REFERENCES.computeIfAbsent(setup, s -> {
            Path dir = tempDir();
            return Map.entry(dir, ResumableRun.train(dir, 1, List.of(), 1, 8, s));
        });
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("kiln-uninterrupted");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Property(tries = 12)
    void aRunCrashedAnywhereAndResumedEndsBitIdenticalToOneNeverInterrupted(
            @ForAll @IntRange(min = 1, max = 70) int crashAtBatch, @ForAll @IntRange(min = 1, max = 5) int backupEvery,
            @ForAll @IntRange(min = 1, max = 2) int threads) throws IOException {
        Path dir = Files.createTempDirectory("kiln-resume");
        assertThrows(IllegalStateException.class, () -> ResumableRun.train(dir, threads, List.of(new CrashAt(crashAtBatch)), backupEvery),
                "the run crashes at batch " + crashAtBatch);
        ResumableRun.Outcome resumed = ResumableRun.train(dir, 3 - threads, List.of(), backupEvery);
        assertSameWeights(UNINTERRUPTED.model(), resumed.model());
        assertEquals(UNINTERRUPTED.history().epochs(), resumed.history().epochs(), "the History covers the epochs before the crash");
        assertEquals(UNINTERRUPTED.history().history(), resumed.history().history(), "epoch logs are exactly the same");
        assertFalse(Files.exists(dir.resolve("backup").resolve(BackupAndRestore.FILE_NAME)), "the backup is deleted at the end");
        assertTrue(Files.exists(dir.resolve("best.kiln")));
    }

    /**
     * Every optimizer, schedule, metric and stateful callback resumes exactly too: the weights, the
     * epoch logs (every metric) and the CSV log of a crashed and resumed run are those of a run
     * never interrupted.
     */
    @Property(tries = 8)
    void everyPartResumesBitIdentically(@ForAll @IntRange(min = 1, max = 70) int crashAtBatch,
                                        @ForAll @IntRange(min = 1, max = 5) int backupEvery) throws IOException {
        for (ResumableRun.Setup setup : ResumableRun.Setup.values()) {
            crashAndResume(setup, crashAtBatch, backupEvery);
        }
    }

    private static void crashAndResume(ResumableRun.Setup setup, int crashAtBatch, int backupEvery) throws IOException {
        Map.Entry<Path, ResumableRun.Outcome> reference = reference(setup);
        Path dir = Files.createTempDirectory("kiln-resume");
        assertThrows(IllegalStateException.class,
                () -> ResumableRun.train(dir, 2, List.of(new CrashAt(crashAtBatch)), backupEvery, 8, setup));
        ResumableRun.Outcome resumed = ResumableRun.train(dir, 1, List.of(), backupEvery, 8, setup);
        assertSameWeights(reference.getValue().model(), resumed.model());
        assertEquals(reference.getValue().history().history(), resumed.history().history(), setup + ": epoch logs are exactly the same");
        Path log = reference.getKey().resolve("log.csv");
        if (Files.exists(log)) {
            assertEquals(Files.readString(log), Files.readString(dir.resolve("log.csv")), "the CSV log has each epoch once");
        }
        // The best file rebuilds every part from its config through the registries, state included.
        ModelFile.Loaded best = ModelFile.load(dir.resolve("best.kiln"), ModelParts.engine());
        Sequential live = resumed.model();
        assertEquals(live.loss().config(), best.loss().orElseThrow().config());
        assertEquals(live.metrics().stream().map(Metric::config).toList(), best.metrics().stream().map(Metric::config).toList());
        assertEquals(live.optimizer().orElseThrow().config().type(), best.optimizer().orElseThrow().config().type());
    }

    @Test
    void aFinishedRunLeavesNoBackupAndTheBestFileHoldsTheBestValidationLoss() throws IOException {
        Path dir = Files.createTempDirectory("kiln-resume");
        ResumableRun.Outcome outcome = ResumableRun.train(dir, 1, List.of(), 2);
        assertSameWeights(UNINTERRUPTED.model(), outcome.model());
        double best = outcome.history().history().get("val_loss").stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertEquals(best, ModelFile.readCheckpointRecord(dir.resolve("best.kiln")).orElseThrow().value(), 0.0);
    }

    @Test
    void aBackupOfAnotherDataPipelineIsRefusedBeforeAnythingChanges() throws IOException {
        Path dir = Files.createTempDirectory("kiln-resume");
        assertThrows(IllegalStateException.class, () -> ResumableRun.train(dir, 1, List.of(new CrashAt(20)), 4));
        Path backup = dir.resolve("backup").resolve(BackupAndRestore.FILE_NAME);
        assertTrue(Files.exists(backup));
        var refused = assertThrows(IllegalStateException.class, () -> ResumableRun.train(dir, 1, List.of(), 4, 6));
        assertTrue(refused.getMessage().contains("12 batches per epoch; this fit has 16")
                && refused.getMessage().contains("delete the backup"), refused.getMessage());
        ResumableRun.Outcome resumed = ResumableRun.train(dir, 1, List.of(), 4);
        assertSameWeights(UNINTERRUPTED.model(), resumed.model());
    }

    private static void assertSameWeights(Sequential expected, Sequential actual) {
        List<Tensor> a = expected.weightsSnapshot();
        List<Tensor> b = actual.weightsSnapshot();
        for (int p = 0; p < a.size(); p++) {
            assertArrayEquals(a.get(p).data(), b.get(p).data(), "parameter " + p + " differs");
        }
    }
}
