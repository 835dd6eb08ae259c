package dev.kiln.engine.data;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The producer thread of a prefetch and the state it shares with the consumer. It holds no
 * reference to the consumer's {@link PrefetchIterator}, so an abandoned iterator can become
 * unreachable and its Cleaner can {@link #stop} this producer. The input is used on the producer
 * thread only; that thread closes it when it ends, however it ends.
 */
final class PrefetchProducer<T> implements Runnable {
    /** Marks the end of the input, or carries the producer's failure. */
    record End(Throwable failure) {}

    private final BlockingQueue<Object> queue;
    private final DatasetIterator<T> input;
    private final Thread thread;
    private volatile boolean stopped;

    PrefetchProducer(DatasetIterator<T> input, int depth) {
        this.queue = new ArrayBlockingQueue<>(depth + 1);
        this.input = input;
        this.thread = new Thread(this, "kiln-prefetch");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            while (!stopped && input.hasNext()) {
                queue.put(input.next());
            }
        } catch (InterruptedException e) {
            if (!stopped) {
                failure = new IllegalStateException("the prefetch thread was interrupted", e);
            }
        } catch (Throwable e) {
            failure = e;
        } finally {
            Thread.interrupted(); // a stop's interrupt must not cut the input's close short
            try {
                input.close();
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (stopped) {
            queue.clear();
            return;
        }
        try {
            queue.put(new End(failure));
        } catch (InterruptedException e) {
            queue.clear(); // stopped meanwhile: nobody reads the end
        }
    }

    /** The next element or {@link End}, waiting for it. */
    Object take() {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next prefetched element", e);
        }
    }

    /**
     * Tells the producer to end and drops the queued elements; does not wait, so the Cleaner's
     * thread can call it. The interrupt frees a producer blocked on the full queue (or in an
     * input that waits interruptibly).
     */
    void stop() {
        stopped = true;
        thread.interrupt();
        queue.clear();
    }

    /**
     * Waits until the producer thread has ended, at most {@code timeout}: a producer inside a slow
     * input's next() ends only when that call returns. Not cut short by an interrupt of the
     * caller (the interrupt status is kept).
     *
     * @throws IllegalStateException if the producer is still running after {@code timeout}
     */
    void awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            while (thread.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the prefetch thread did not end within " + timeout.toMillis()
                            + " ms of close: its input's next() is still running (it ends after that call returns)");
                }
                try {
                    thread.join(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
