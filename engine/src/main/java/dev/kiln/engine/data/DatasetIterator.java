package dev.kiln.engine.data;

import java.util.Iterator;

/**
 * One pass over a {@link Dataset}. A pass may hold a thread and buffered elements (prefetch,
 * shuffle), so whoever starts a pass closes it, usually with try-with-resources; a pass that has
 * run to its end has closed itself. Closing a stage closes the stages it reads from.
 *
 * @param <T> the element type
 */
public interface DatasetIterator<T> extends Iterator<T>, AutoCloseable {
    /**
     * Ends the pass and releases what it holds; idempotent. A closed iterator has no more
     * elements ({@link #hasNext()} is false).
     */
    @Override
    void close();
}
