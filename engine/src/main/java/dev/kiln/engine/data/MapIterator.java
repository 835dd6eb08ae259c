package dev.kiln.engine.data;

import java.util.function.Function;

/** Applies a function to each input element. */
final class MapIterator<T, R> extends StageIterator<T, R> {
    private final Function<? super T, ? extends R> function;

    MapIterator(DatasetIterator<T> input, Function<? super T, ? extends R> function) {
        super(input);
        this.function = function;
    }

    @Override
    R nextElement() {
        return function.apply(input.next());
    }
}
