package dev.kiln.engine.data;

/**
 * The first {@code count} input elements. It closes the input as soon as it has them, so a
 * prefetching input stops producing elements nobody will read.
 */
final class TakeIterator<T> extends StageIterator<T, T> {
    private final long count;
    private long taken;

    TakeIterator(DatasetIterator<T> input, long count) {
        super(input);
        this.count = count;
    }

    @Override
    boolean hasMore() {
        return taken < count && input.hasNext();
    }

    @Override
    T nextElement() {
        T element = input.next();
        if (++taken == count) {
            close();
        }
        return element;
    }
}
