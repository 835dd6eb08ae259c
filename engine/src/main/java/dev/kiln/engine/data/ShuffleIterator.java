package dev.kiln.engine.data;

import dev.kiln.engine.random.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * tf.data's shuffle buffer: emit a random buffered element, refill its slot from the input. The
 * buffer is filled on the first read rather than on construction, so starting a pass cannot fail
 * half-way with an input nobody would close.
 */
final class ShuffleIterator<T> extends StageIterator<T, T> {
    private final int bufferSize;
    private final List<T> buffer;
    private final Rng rng;
    private boolean filled;

    ShuffleIterator(DatasetIterator<T> input, int bufferSize, Rng rng) {
        super(input);
        this.bufferSize = bufferSize;
        this.rng = rng;
        this.buffer = new ArrayList<>(Math.min(bufferSize, 1 << 16));
    }

    @Override
    boolean hasMore() {
        if (!filled) {
            while (buffer.size() < bufferSize && input.hasNext()) {
                buffer.add(input.next());
            }
            filled = true;
        }
        return !buffer.isEmpty();
    }

    @Override
    T nextElement() {
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

    @Override
    void release() {
        buffer.clear();
    }
}
