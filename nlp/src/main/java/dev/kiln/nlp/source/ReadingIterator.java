package dev.kiln.nlp.source;

import dev.kiln.engine.data.DatasetIterator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;

/**
 * A pass that reads its elements from files as it goes. A read error ends the pass as an
 * {@link UncheckedIOException} with the reader's own message (file, line, column); the pass
 * closes what it reads from at its end, on an error, or when closed.
 */
abstract class ReadingIterator<T> implements DatasetIterator<T> {
    private T next;
    private boolean closed;

    /** The next element, or null at the end. */
    abstract T read() throws IOException;

    /** Releases what the pass reads from. */
    abstract void release() throws IOException;

    @Override
    public final boolean hasNext() {
        if (closed) {
            return false;
        }
        if (next == null) {
            try {
                next = read();
            } catch (IOException e) {
                close();
                throw new UncheckedIOException(e.getMessage(), e);
            }
            if (next == null) {
                close();
                return false;
            }
        }
        return true;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the pass has ended");
        }
        T element = next;
        next = null;
        return element;
    }

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            next = null;
            try {
                release();
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
        }
    }
}
