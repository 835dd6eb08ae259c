package dev.kiln.engine.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The one place Kiln runs work on more than one thread: a fixed set of worker threads that the
 * caller creates, passes to whatever should use it, and closes. There is no global pool.
 *
 * <p>{@link #parallelFor} runs tasks {@code 0..count-1}; the calling thread works too. Tasks must
 * write to disjoint outputs, so the result does not depend on which thread ran which task. A call
 * made from inside a task runs inline, which keeps nested kernels from oversubscribing the cores
 * or deadlocking.
 *
 * <p>Why the workers spin: waking a parked thread costs 50-80 us on this kind of VM, as much as a
 * 0.5 ms GEMM loses to it (measured: two independent GEMMs reach 270 GFLOPS, one split in two
 * 230). So a worker that finishes waits for the next call spinning for {@link #SPIN_NANOS} before
 * it parks, and so does the caller waiting for the last task; calls that follow each other
 * closely, as in training, never pay for a wake-up.
 */
public final class ComputePool implements AutoCloseable {
    static final long SPIN_NANOS = 100_000;

    private final int threads;
    private final Worker[] workers;

    private ComputePool(int threads) {
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Worker(this);
            workers[w].start();
        }
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
        if (count <= 1 || workers.length == 0 || isOwnWorker(Thread.currentThread())) {
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

    /** Stops the workers and waits for them to end, so no thread outlives the pool (a long-lived process makes many). */
    @Override
    public void close() {
        for (Worker worker : workers) {
            worker.shutDown();
        }
        if (isOwnWorker(Thread.currentThread())) {
            return; // a task closing its own pool cannot wait for itself
        }
        boolean interrupted = false;
        for (Worker worker : workers) {
            while (worker.isAlive()) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: the worker ends as soon as its current task does
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One parallelFor: tasks are claimed from a shared counter; the caller waits for the count of finished tasks. */
    private final class Run {
        private final int count;
        private final IntConsumer task;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread caller = Thread.currentThread();

        Run(int count, IntConsumer task) {
            this.count = count;
            this.task = task;
        }

        void execute() {
            int helperCount = Math.min(workers.length, count - 1);
            for (int h = 0; h < helperCount; h++) {
                workers[h].offer(this); // a worker busy with another caller's run joins later, or not: the tasks still all run
            }
            work();
            awaitFinished();
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

        /** Spins briefly (the helpers' last tasks usually end within microseconds), then parks until the last task ends. */
        private void awaitFinished() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (finished.get() < count) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }

        void work() {
            int i;
            while ((i = next.getAndIncrement()) < count) {
                try {
                    if (failure.get() == null) {
                        task.accept(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (finished.incrementAndGet() == count) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }

    /** A helper thread: takes a run from its mailbox, works on it, then spins and finally parks until the next one. */
    private static final class Worker extends Thread {
        final ComputePool owner;
        private final AtomicReference<Run> mailbox = new AtomicReference<>();
        private volatile boolean parked;
        private volatile boolean closed;

        Worker(ComputePool owner) {
            super("kiln-compute");
            this.owner = owner;
            setDaemon(true);
        }

        /** Replaces any run still waiting here: it is either finished or being finished by its caller. */
        void offer(Run run) {
            mailbox.set(run);
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        void shutDown() {
            closed = true;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (!closed) {
                Run run = awaitRun();
                if (run != null) {
                    run.work();
                }
            }
        }

        private Run awaitRun() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (!closed) {
                Run run = mailbox.getAndSet(null);
                if (run != null) {
                    return run;
                }
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (mailbox.get() == null && !closed) { // re-checked after announcing: an offer now sees parked
                    LockSupport.park(this);
                }
                parked = false;
            }
            return null;
        }
    }
}
