package dev.kiln.checkpoint.callback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs saves one at a time on a background thread: {@link #submit} first waits for the save in
 * flight (so at most one is), and a failed save is reported, as an UncheckedIOException naming
 * the file, by the next submit or by {@link #finish}. Synchronous mode runs each save at once.
 */
final class AsyncSaver implements AutoCloseable {
    /** A save that may fail with an IOException. */
    interface Save {
        void run() throws IOException;
    }

    private final boolean async;
    private ExecutorService executor;
    private Future<?> inFlight;
    private String inFlightTarget;

    AsyncSaver(boolean async) {
        this.async = async;
    }

    void submit(String target, Save save) {
        finish();
        if (!async) {
            runNow(target, save);
            return;
        }
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "kiln-checkpoint-writer");
                thread.setDaemon(true);
                return thread;
            });
        }
        inFlightTarget = target;
        inFlight = executor.submit(() -> {
            runNow(target, save);
            return null;
        });
    }

    /** Waits for the save in flight, if any, and reports its failure. */
    void finish() {
        if (inFlight == null) {
            return;
        }
        Future<?> pending = inFlight;
        inFlight = null;
        try {
            pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the save of " + inFlightTarget, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException failure) {
                throw new UncheckedIOException("the background save of " + inFlightTarget + " failed: "
                        + failure.getCause().getMessage(), failure.getCause());
            }
            throw new IllegalStateException("the background save of " + inFlightTarget + " failed", e.getCause());
        }
    }

    @Override
    public void close() {
        try {
            finish();
        } finally {
            if (executor != null) {
                executor.shutdown();
                executor = null;
            }
        }
    }

    private static void runNow(String target, Save save) {
        try {
            save.run();
        } catch (IOException e) {
            throw new UncheckedIOException("could not save " + target + ": " + e.getMessage(), e);
        }
    }
}
