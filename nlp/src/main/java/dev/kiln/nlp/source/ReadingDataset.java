package dev.kiln.nlp.source;

import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.data.DatasetIterator;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;

/**
 * A dataset read from files as its passes go: each pass opens a new {@link Reader} and reads it
 * to its end. A read error ends the pass as an {@link UncheckedIOException} with the reader's own
 * message (file, line, column); the pass closes its reader at its end, on an error, or when closed.
 */
final class ReadingDataset<T> extends Dataset<T> {
    /** The elements of one pass, read one at a time. */
    interface Reader<T> extends Closeable {
        /** The next element, or null at the end. */
        T read() throws IOException;

        /** Releases what the pass reads from; nothing by default. */
        @Override
        default void close() throws IOException {
        }
    }

    /** Starts a pass. */
    interface Opener<T> {
        Reader<T> open() throws IOException;
    }

    private final long cardinality;
    private final Opener<T> opener;

    ReadingDataset(long cardinality, Opener<T> opener) {
        this.cardinality = cardinality;
        this.opener = opener;
    }

    @Override
    public long cardinality() {
        return cardinality;
    }

    @Override
    public DatasetIterator<T> iterator(long pass) {
        return new Pass();
    }

    private final class Pass implements DatasetIterator<T> {
        private Reader<T> reader;
        private T next;
        private boolean closed;

        @Override
        public boolean hasNext() {
            if (closed) {
                return false;
            }
            if (next == null) {
                try {
                    if (reader == null) {
                        reader = opener.open();
                    }
                    next = reader.read();
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
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the pass has ended");
            }
            T element = next;
            next = null;
            return element;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                next = null;
                try {
                    if (reader != null) {
                        reader.close();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e.getMessage(), e);
                }
            }
        }
    }
}
