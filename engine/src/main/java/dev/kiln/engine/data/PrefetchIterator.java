package dev.kiln.engine.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Pulls elements from the input on a daemon thread into a bounded queue. An exception in the
 * producer is rethrown to the consumer at the element where it happened.
 */
final class PrefetchIterator<T> implements Iterator<T> {
    /** Marks the end of the input, or carries the producer's failure. */
    private record End(RuntimeException failure) {}

    private final BlockingQueue<Object> queue;
    private Object head;

    PrefetchIterator(Iterator<T> input, int depth) {
        this.queue = new ArrayBlockingQueue<>(depth + 1);
        Thread producer = new Thread(() -> {
            try {
                while (input.hasNext()) {
                    queue.put(input.next());
                }
                queue.put(new End(null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                putQuietly(new End(e));
            }
        }, "kiln-prefetch");
        producer.setDaemon(true);
        producer.start();
    }

    private void putQuietly(Object value) {
        try {
            queue.put(value);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean hasNext() {
        if (head == null) {
            try {
                head = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next prefetched element", e);
            }
        }
        if (head instanceof End end && end.failure() != null) {
            throw end.failure();
        }
        return !(head instanceof End);
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
}
