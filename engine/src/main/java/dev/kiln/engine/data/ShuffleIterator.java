package dev.kiln.engine.data;

import dev.kiln.engine.random.Rng;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** tf.data's shuffle buffer: emit a random buffered element, refill its slot from the input. */
final class ShuffleIterator<T> implements Iterator<T> {
    private final Iterator<T> input;
    private final List<T> buffer;
    private final Rng rng;

    ShuffleIterator(Iterator<T> input, int bufferSize, Rng rng) {
        this.input = input;
        this.rng = rng;
        this.buffer = new ArrayList<>(Math.min(bufferSize, 1 << 16));
        while (buffer.size() < bufferSize && input.hasNext()) {
            buffer.add(input.next());
        }
    }

    @Override
    public boolean hasNext() {
        return !buffer.isEmpty();
    }

    @Override
    public T next() {
        if (buffer.isEmpty()) {
            throw new NoSuchElementException();
        }
        int pick = rng.nextInt(buffer.size());
        T chosen = buffer.get(pick);
        if (input.hasNext()) {
            buffer.set(pick, input.next());
        } else {
            // Drain: move the last element into the hole.
            buffer.set(pick, buffer.get(buffer.size() - 1));
            buffer.remove(buffer.size() - 1);
        }
        return chosen;
    }
}
