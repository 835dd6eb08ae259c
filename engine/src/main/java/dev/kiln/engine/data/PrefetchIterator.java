package dev.kiln.engine.data;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.NoSuchElementException;

/**
 * The consumer side of a prefetch: elements computed ahead by a {@link PrefetchProducer} thread,
 * in order; a producer failure is rethrown at the element where it happened. close() stops the
 * producer and waits for its thread to end. An iterator abandoned without close (a {@code break}
 * out of a for-each over a Dataset) is stopped by a Cleaner once it is unreachable, so its thread
 * and queued elements do not live as long as the JVM.
 */
final class PrefetchIterator<T> implements DatasetIterator<T> {
    /** How long close() waits for a producer that is inside its input's next(). */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** One daemon thread for the whole JVM. */
    private static final Cleaner CLEANER = Cleaner.create(task -> new Thread(task, "kiln-cleaner"));

    private final PrefetchProducer<T> producer;
    private final Cleaner.Cleanable cleanable;
    private final Duration closeTimeout;
    private Object head;
    private boolean closed;

    PrefetchIterator(DatasetIterator<T> input, int depth) {
        this(input, depth, CLOSE_TIMEOUT);
    }

    PrefetchIterator(DatasetIterator<T> input, int depth, Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
        this.producer = new PrefetchProducer<>(input, depth);
        try {
            producer.start();
        } catch (RuntimeException | Error e) {
            input.close(); // no thread to own it
            throw e;
        }
        this.cleanable = CLEANER.register(this, producer::stop);
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        try {
            if (head == null) {
                head = producer.take();
            }
        } finally {
            Reference.reachabilityFence(this); // not cleaned while waiting for an element
        }
        if (head instanceof PrefetchProducer.End end) {
            close();
            rethrow(end.failure());
            return false;
        }
        return true;
    }

    private static void rethrow(Throwable failure) {
        switch (failure) {
            case null -> {}
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException("the prefetched input failed", failure);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T value = (T) head;
        head = null;
        return value;
    }

    /** Stops the producer, drops the queued elements and waits (up to the close timeout) for the thread to end. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        head = null;
        cleanable.clean(); // runs producer.stop() at most once, whether here or from the Cleaner
        producer.awaitEnd(closeTimeout);
    }
}
