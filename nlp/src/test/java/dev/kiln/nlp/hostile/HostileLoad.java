package dev.kiln.nlp.hostile;

import dev.kiln.checkpoint.io.CheckpointFormatException;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The rule every load of a hostile file must follow: it ends within a time limit, either
 * normally (then the caller checks that the model predicts) or with a CheckpointFormatException
 * (or the loader's own refusal, a KerasConfigException for Keras configs) whose message starts with the file, names what is wrong in words (no Java class names, no
 * stack-trace text, no repeated prefix); and it never allocates more heap than the bound.
 */
final class HostileLoad {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final Pattern JAVA_TALK = Pattern.compile(
            "java\\.|javax\\.|Exception|Cannot invoke|cannot be cast|No enum constant|\\bat [a-z]+\\.");

    /** What a load may do: throw a CheckpointFormatException, or return. */
    @FunctionalInterface
    interface Load {
        void run() throws Exception;
    }

    /** With -Dkiln.hostile.messages=FILE, every refusal's message is written there (to read them as a user would). */
    private static final java.io.PrintStream MESSAGES = messages();

    private HostileLoad() {}

    private static java.io.PrintStream messages() {
        String file = System.getProperty("kiln.hostile.messages");
        try {
            return file == null || file.isEmpty() ? null : new java.io.PrintStream(new java.io.FileOutputStream(file, true), true, "UTF-8");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs {@code load}; returns true when it loaded, false when it refused the file properly; fails the test otherwise. */
    static boolean check(Path file, long allocationBound, String edits, Load load) {
        return check(file, allocationBound, edits, CheckpointFormatException.class, load);
    }

    /**
     * {@link #check(Path, long, String, Load)} for a loader whose refusals are {@code refusal}s; {@code IOException.class}
     * stands for a Keras file's two refusals, CheckpointFormatException (the HDF5 and zip structure) and KerasConfigException
     * (the model), whose messages start with the file or with "file!entry".
     */
    static boolean check(Path file, long allocationBound, String edits, Class<? extends Exception> refusal, Load load) {
        return assertTimeoutPreemptively(LIMIT, () -> {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            boolean loaded;
            try {
                load.run();
                loaded = true;
            } catch (Exception e) {
                boolean proper = refusal == IOException.class ? e instanceof CheckpointFormatException
                        || e instanceof dev.kiln.checkpoint.keras.KerasConfigException : refusal.isInstance(e);
                if (!proper) {
                    fail("not a " + refusal.getSimpleName() + ": " + e + "\nedits: " + edits, e);
                }
                String message = e.getMessage();
                assertTrue(message.startsWith(file + ": ") || message.startsWith(file + "!"), () -> "message does not start with the file: "
                        + message + "\nedits: " + edits);
                String rest = message.substring(file.toString().length());
                assertTrue(!rest.contains(file.toString()), () -> "the file is named twice: " + message + "\nedits: " + edits);
                assertTrue(!JAVA_TALK.matcher(rest).find(), () -> "the message speaks Java: " + message + "\nedits: " + edits);
                assertTrue(message.length() < 2_000, () -> "a message of " + message.length() + " characters: "
                        + message.substring(0, 400) + " ...\nedits: " + edits);
                loaded = false;
                if (MESSAGES != null) {
                    MESSAGES.println(message);
                }
            } catch (Throwable e) {
                fail("not a " + refusal.getSimpleName() + ": " + e + "\nedits: " + edits, e);
                return false;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated <= allocationBound, () -> "allocated " + allocated + " bytes, bound " + allocationBound + "\nedits: " + edits);
            return loaded;
        }, () -> "no answer within " + LIMIT + "\nedits: " + edits);
    }
}
