package dev.kiln.engine.data;

import java.util.Iterator;

/** The elements of an in-memory collection as a pass: nothing to release but the reference. */
final class SourceIterator<T> extends StageIterator<T> {
    private Iterator<T> elements;

    SourceIterator(Iterator<T> elements) {
        super(null);
        this.elements = elements;
    }

    @Override
    boolean hasMore() {
        return elements.hasNext();
    }

    @Override
    T nextElement() {
        return elements.next();
    }

    @Override
    void release() {
        elements = null;
    }
}
