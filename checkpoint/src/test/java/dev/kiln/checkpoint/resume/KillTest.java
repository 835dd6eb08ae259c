package dev.kiln.checkpoint.resume;

import dev.kiln.engine.model.ModelParts;
import dev.kiln.checkpoint.callback.BackupAndRestore;
import dev.kiln.checkpoint.format.TensorFile;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child JVM trains {@link ResumableRun} with a backup after every batch (fsync on) and is
 * killed with SIGKILL at random moments, saves included. After every kill the files on disk must
 * load; then a last child runs to the end, and its weights must equal, bit for bit, those of a
 * run never interrupted. {@code -Dkiln.kills=N} sets the number of kills (CI: 30; a longer run:
 * {@code ./run-tests -pl checkpoint -am -Dtest=KillTest -Dsurefire.failIfNoSpecifiedTests=false -Dkiln.kills=500}).
 */
class KillTest {

    @Test
    void aRunKilledAtRandomMomentsAlwaysLeavesLoadableFilesAndResumesExactly(@TempDir Path dir) throws Exception {
        int kills = Integer.getInteger("kiln.kills", 30);
        Path referenceDir = Files.createDirectories(dir.resolve("reference"));
        Sequential reference = ResumableRun.train(referenceDir, 1, List.of(), 1).model();
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Path backup = runDir.resolve("backup").resolve(BackupAndRestore.FILE_NAME);
        Rng rng = new Rng(2026);
        long startup = timeOneChild(Files.createDirectories(dir.resolve("timing")));
        int killed = 0;
        int resumedFromBackup = 0;
        int insideSave = 0;
        while (killed < kills) {
            boolean hadBackup = Files.exists(backup);
            Process child = start(runDir);
            long delay = rng.nextInt((int) Math.max(startup, 200));
            boolean finished = child.waitFor(delay, TimeUnit.MILLISECONDS);
            if (finished) {
                // Too quick to kill: the run completed; start a new one from scratch.
                assertEquals(0, child.exitValue(), output(runDir));
                deleteTree(runDir);
                Files.createDirectories(runDir);
                continue;
            }
            child.destroyForcibly(); // SIGKILL on Linux and macOS
            child.waitFor();
            killed++;
            resumedFromBackup += hadBackup ? 1 : 0;
            insideSave += temporaryFiles(runDir).isEmpty() ? 0 : 1;
            assertFilesOnDiskLoad(runDir, backup);
        }
        Process last = start(runDir);
        assertTrue(last.waitFor(120, TimeUnit.SECONDS), "the resumed run finishes");
        String output = output(runDir);
        assertEquals(0, last.exitValue(), output);
        assertTrue(output.contains("DONE"), output);
        Sequential finished = ResumableRun.train(Files.createDirectories(dir.resolve("load")), 1, List.of(), 1).model();
        ModelFile.loadWeights(runDir.resolve("final.kiln"), finished);
        List<Tensor> expected = reference.weightsSnapshot();
        List<Tensor> actual = finished.weightsSnapshot();
        for (int p = 0; p < expected.size(); p++) {
            assertArrayEquals(expected.get(p).data(), actual.get(p).data(), "parameter " + p + " after " + killed + " kills");
        }
        assertTrue(resumedFromBackup > 0, "some kills happened after a backup existed (" + resumedFromBackup + " of " + killed + ")");
        assertEquals(List.of(), temporaryFiles(runDir), "no temporary files are left once a save of the same file succeeded");
        System.out.printf("KillTest: %d kills, %d after a backup existed, %d inside a save (a temporary file was left)%n",
                killed, resumedFromBackup, insideSave);
    }

    private static List<Path> temporaryFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    /** The backup and the best model, when present, pass every check of the format and rebuild. */
    private static void assertFilesOnDiskLoad(Path runDir, Path backup) throws IOException {
        if (Files.exists(backup)) {
            TensorFile.read(backup);
            assertTrue(ModelFile.readBatchesPerEpoch(backup).isPresent(), "a backup carries its training state");
        }
        Path best = runDir.resolve("best.kiln");
        if (Files.exists(best)) {
            assertTrue(ModelFile.load(best, ModelParts.engine()).model().isBuilt());
        }
    }

    /** How long one child takes from start to finish, in ms (the kill delays are drawn below it). */
    private static long timeOneChild(Path dir) throws Exception {
        long start = System.nanoTime();
        Process child = start(dir);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), output(dir));
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static Process start(Path dir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", 
                "-cp", System.getProperty("java.class.path"), ResumableRun.class.getName(), dir.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    }

    /** The child's console output (its log file in its run folder). */
    private static String output(Path dir) throws IOException {
        return Files.readString(dir.resolve("child.log"), StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(file);
            }
        }
    }
}
