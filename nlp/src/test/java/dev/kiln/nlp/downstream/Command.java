package dev.kiln.nlp.downstream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a program in a folder with a time limit, its output kept in files beside it (no pipe can fill up). */
final class Command {
    /** How a run ended: its exit status and what it wrote. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** The command and everything it wrote, for a failure message. */
        String describe() {
            return String.join(" ", command) + "\nexit status " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private Command() {}

    /**
     * Runs {@code command} in {@code folder} with {@code environment} added to this JVM's; a run
     * still going after {@code limit} is killed with its child processes and reported as a
     * failure.
     */
    static Result run(Path folder, Duration limit, Map<String, String> environment, List<String> command)
            throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(folder, "stdout", ".txt");
        Path stderr = Files.createTempFile(folder, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError("timed out after " + limit.toSeconds() + " s: " + String.join(" ", command)
                    + "\n--- stdout\n" + Files.readString(stdout) + "--- stderr\n" + Files.readString(stderr));
        }
        return new Result(command, process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }
}
