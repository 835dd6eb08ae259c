package dev.kiln.checkpoint.resume;

import dev.kiln.checkpoint.callback.BackupAndRestore;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.model.ModelParts;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.tensor.Tensor;
import dev.kiln.engine.testing.TempFolder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

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

    /** An uninterrupted run and the CSV log it wrote, if any; its folder is deleted once the log is read. */
    private record Reference(ResumableRun.Outcome outcome, Optional<String> log) {}

    private static final ResumableRun.Outcome UNINTERRUPTED = uninterrupted(dir -> ResumableRun.train(dir, 1, List.of(), 1)).outcome();
    /** Per setup, an uninterrupted run. */
    private static final Map<ResumableRun.Setup, Reference> REFERENCES = new ConcurrentHashMap<>();

    private static Reference reference(ResumableRun.Setup setup) {
        return REFERENCES.computeIfAbsent(setup, s -> uninterrupted(dir -> ResumableRun.train(dir, 1, List.of(), 1, 8, s)));
    }

    private static Reference uninterrupted(Function<Path, ResumableRun.Outcome> run) {
        try (TempFolder folder = TempFolder.create("kiln-uninterrupted")) {
            ResumableRun.Outcome outcome = run.apply(folder.path());
            Path log = folder.path().resolve("log.csv");
            return new Reference(outcome, Files.exists(log) ? Optional.of(Files.readString(log)) : Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property(tries = 12)
    void aRunCrashedAnywhereAndResumedEndsBitIdenticalToOneNeverInterrupted(
            @ForAll @IntRange(min = 1, max = 70) int crashAtBatch, @ForAll @IntRange(min = 1, max = 5) int backupEvery,
            @ForAll @IntRange(min = 1, max = 2) int threads) throws IOException {
        try (TempFolder folder = TempFolder.create("kiln-resume")) {
            Path dir = folder.path();
            assertThrows(IllegalStateException.class, () -> ResumableRun.train(dir, threads, List.of(new CrashAt(crashAtBatch)), backupEvery),
                    "the run crashes at batch " + crashAtBatch);
            ResumableRun.Outcome resumed = ResumableRun.train(dir, 3 - threads, List.of(), backupEvery);
            assertSameWeights(UNINTERRUPTED.model(), resumed.model());
            assertEquals(UNINTERRUPTED.history().epochs(), resumed.history().epochs(), "the History covers the epochs before the crash");
            assertEquals(UNINTERRUPTED.history().history(), resumed.history().history(), "epoch logs are exactly the same");
            assertFalse(Files.exists(dir.resolve("backup").resolve(BackupAndRestore.FILE_NAME)), "the backup is deleted at the end");
            assertTrue(Files.exists(dir.resolve("best.kiln")));
        }
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
        Reference reference = reference(setup);
        try (TempFolder folder = TempFolder.create("kiln-resume")) {
            Path dir = folder.path();
            assertThrows(IllegalStateException.class,
                    () -> ResumableRun.train(dir, 2, List.of(new CrashAt(crashAtBatch)), backupEvery, 8, setup));
            ResumableRun.Outcome resumed = ResumableRun.train(dir, 1, List.of(), backupEvery, 8, setup);
            assertSameWeights(reference.outcome().model(), resumed.model());
            assertEquals(reference.outcome().history().history(), resumed.history().history(), setup + ": epoch logs are exactly the same");
            if (reference.log().isPresent()) {
                assertEquals(reference.log().get(), Files.readString(dir.resolve("log.csv")), "the CSV log has each epoch once");
            }
            // The best file rebuilds every part from its config through the registries, state included.
            ModelFile.Loaded best = ModelFile.load(dir.resolve("best.kiln"), ModelParts.engine());
            Sequential live = resumed.model();
            assertEquals(live.loss().config(), best.loss().orElseThrow().config());
            assertEquals(live.metrics().stream().map(Metric::config).toList(), best.metrics().stream().map(Metric::config).toList());
            assertEquals(live.optimizer().orElseThrow().config().type(), best.optimizer().orElseThrow().config().type());
        }
    }

    @Test
    void aFinishedRunLeavesNoBackupAndTheBestFileHoldsTheBestValidationLoss(@TempDir Path dir) throws IOException {
        ResumableRun.Outcome outcome = ResumableRun.train(dir, 1, List.of(), 2);
        assertSameWeights(UNINTERRUPTED.model(), outcome.model());
        double best = outcome.history().history().get("val_loss").stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertEquals(best, ModelFile.readCheckpointRecord(dir.resolve("best.kiln")).orElseThrow().value(), 0.0);
    }

    @Test
    void aBackupOfAnotherDataPipelineIsRefusedBeforeAnythingChanges(@TempDir Path dir) throws IOException {
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
