package dev.kiln.engine.kernel;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The one place Kiln runs work on more than one thread: a fixed set of worker threads that the
 * caller creates, passes to whatever should use it, and closes. There is no global pool.
 *
 * <p>{@link #parallelFor} runs tasks {@code 0..count-1}; the calling thread works too. Tasks must
 * write to disjoint outputs, so the result does not depend on which thread ran which task. A call
 * made from inside a task runs inline, which keeps nested kernels from oversubscribing the cores
 * or deadlocking.
 */
public final class ComputePool implements AutoCloseable {
    private final int threads;
    private final ExecutorService helpers;

    private ComputePool(int threads) {
        this.threads = threads;
        this.helpers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, runnable -> {
            Thread thread = new Worker(this, runnable);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A pool that runs everything on the calling thread. */
    public static ComputePool singleThreaded() {
        return new ComputePool(1);
    }

    /** A pool of {@code threads} threads in all, the caller included. */
    public static ComputePool withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return new ComputePool(threads);
    }

    /** How many threads work on a {@link #parallelFor}, the caller included. */
    public int threads() {
        return threads;
    }

    /** Runs {@code task.accept(i)} for every i in [0, count) and returns when all are done. */
    public void parallelFor(int count, IntConsumer task) {
        if (count < 0) {
            throw new IllegalArgumentException("task count must be >= 0, got " + count);
        }
        if (count <= 1 || helpers == null || isOwnWorker(Thread.currentThread())) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        new Run(count, task).execute();
    }

    private boolean isOwnWorker(Thread thread) {
        return thread instanceof Worker worker && worker.owner == this;
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
    }

    /** One parallelFor: tasks are claimed from a shared counter; waiting counts finished tasks. */
    private final class Run {
        private final int count;
        private final IntConsumer task;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch finished;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Run(int count, IntConsumer task) {
            this.count = count;
            this.task = task;
            this.finished = new CountDownLatch(count);
        }

        void execute() {
            int helperCount = Math.min(threads - 1, count - 1);
            for (int h = 0; h < helperCount; h++) {
                helpers.execute(this::work);
            }
            work();
            // Wait for finished tasks, not for helpers: a helper that starts late finds no work.
            boolean interrupted = false;
            while (true) {
                try {
                    finished.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable error = failure.get();
            if (error instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (error instanceof Error fatal) {
                throw fatal;
            }
            if (error != null) {
                throw new IllegalStateException("a parallel task failed", error);
            }
        }

        private void work() {
            int i;
            while ((i = next.getAndIncrement()) < count) {
                try {
                    if (failure.get() == null) {
                        task.accept(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    finished.countDown();
                }
            }
        }
    }

    private static final class Worker extends Thread {
        final ComputePool owner;

        Worker(ComputePool owner, Runnable runnable) {
            super(runnable, "kiln-compute");
            this.owner = owner;
        }
    }
}
