package dev.kiln.engine.data;

import java.util.Iterator;

/** The elements of an in-memory collection as a pass; the collection stays with its Dataset. */
final class SourceIterator<T> extends StageIterator<T, T> {

    SourceIterator(Iterator<T> elements) {
        super(elements);
    }

    @Override
    T nextElement() {
        return input.next();
    }
}
