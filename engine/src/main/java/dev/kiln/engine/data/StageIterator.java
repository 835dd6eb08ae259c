package dev.kiln.engine.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The rules every single-threaded stage shares, kept in one place: a closed stage is empty, an
 * exhausted one closes itself, and closing a stage closes its input (when the input is itself a
 * pass; a source reads a plain collection iterator).
 *
 * @param <I> what the stage reads
 * @param <T> what it yields
 */
abstract class StageIterator<I, T> implements DatasetIterator<T> {
    /** The stage read from. */
    final Iterator<I> input;
    private boolean closed;

    StageIterator(Iterator<I> input) {
        this.input = input;
    }

    /** Whether another element follows; called only while open. By default, whether the input has one. */
    boolean hasMore() {
        return input.hasNext();
    }

    /** The next element; called only after {@link #hasMore()} returned true. */
    abstract T nextElement();

    /** Drops what this stage buffers; called once, by the first close. */
    void release() {}

    @Override
    public final boolean hasNext() {
        if (closed) {
            return false;
        }
        if (hasMore()) {
            return true;
        }
        close();
        return false;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return nextElement();
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            release();
        } finally {
            if (input instanceof DatasetIterator<?> stage) {
                stage.close();
            }
        }
    }
}
