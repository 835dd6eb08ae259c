package dev.kiln.engine.data;

import java.util.ArrayList;
import java.util.List;

/** Groups consecutive input elements into lists of {@code size}; the last may be shorter. */
final class BatchIterator<T> extends StageIterator<T, List<T>> {
    private final int size;

    BatchIterator(DatasetIterator<T> input, int size) {
        super(input);
        this.size = size;
    }

    @Override
    List<T> nextElement() {
        List<T> batch = new ArrayList<>(size);
        while (batch.size() < size && input.hasNext()) {
            batch.add(input.next());
        }
        return batch;
    }
}
