package dev.kiln.engine.data;

import java.util.NoSuchElementException;

/**
 * The rules every single-threaded stage shares, kept in one place: a closed stage is empty, an
 * exhausted one closes itself, and closing a stage closes its input.
 */
abstract class StageIterator<T> implements DatasetIterator<T> {
    private final DatasetIterator<?> input;
    private boolean closed;

    /** {@code input} is the stage read from, or null for a source. */
    StageIterator(DatasetIterator<?> input) {
        this.input = input;
    }

    /** Whether another element follows; called only while open. */
    abstract boolean hasMore();

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
            if (input != null) {
                input.close();
            }
        }
    }
}
