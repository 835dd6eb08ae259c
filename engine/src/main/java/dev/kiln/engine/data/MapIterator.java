package dev.kiln.engine.data;

import java.util.function.Function;

/** Applies a function to each input element. */
final class MapIterator<T, R> extends StageIterator<R> {
    private final DatasetIterator<T> input;
    private final Function<? super T, ? extends R> function;

    MapIterator(DatasetIterator<T> input, Function<? super T, ? extends R> function) {
        super(input);
        this.input = input;
        this.function = function;
    }

    @Override
    boolean hasMore() {
        return input.hasNext();
    }

    @Override
    R nextElement() {
        return function.apply(input.next());
    }
}
