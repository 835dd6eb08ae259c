package dev.kiln.engine.data;

import dev.kiln.engine.random.Rng;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * A re-iterable pipeline of elements in the manner of tf.data: every {@link #iterator()} starts a
 * new pass (an epoch). Stages: {@link #shuffle}, {@link #batch}, {@link #map}, {@link #take} and
 * {@link #prefetch}. Passes are numbered and deterministic: {@link #iterator(long)} gives pass n,
 * whose shuffle order depends only on the seeds and on n, so a resumed fit can replay epoch n
 * exactly; {@link #iterator()} gives passes 0, 1, 2, ... in turn.
 *
 * <p>A pass may hold a thread and buffered elements, so close the {@link DatasetIterator} when
 * done with it (try-with-resources); a pass read to its end closes itself, and so does
 * {@link #forEach}. A for-each loop left early cannot close its pass: a prefetch's thread then
 * ends only when the garbage collector finds the iterator unreachable.
 *
 * @param <T> the element type
 */
public abstract class Dataset<T> implements Iterable<T> {
    private final AtomicLong nextPass = new AtomicLong();

    /** For a source of elements: implement {@link #cardinality()} and {@link #iterator(long)}. */
    protected Dataset() {}

    /** Elements from a list (the list is copied). */
    public static <T> Dataset<T> fromList(List<T> elements) {
        List<T> copy = List.copyOf(elements);
        return of(pass -> new SourceIterator<>(copy.iterator()), copy.size());
    }

    /** How many elements one pass yields, or -1 when unknown. */
    public abstract long cardinality();

    /** Pass number {@code pass} (0-based) of this pipeline; the same number gives the same elements in the same order. */
    public abstract DatasetIterator<T> iterator(long pass);

    /** The next pass: 0 for the first call, then 1, 2, ... */
    @Override
    public DatasetIterator<T> iterator() {
        return iterator(nextPass.getAndIncrement());
    }

    /** Runs {@code action} on every element of the next pass, and closes the pass even if the action throws. */
    @Override
    public void forEach(Consumer<? super T> action) {
        try (DatasetIterator<T> elements = iterator()) {
            elements.forEachRemaining(action);
        }
    }

    /**
     * tf.data's buffered shuffle: keep {@code bufferSize} elements, emit a random one and refill
     * its slot from the input. A buffer at least as large as the data is a full shuffle. Pass n
     * uses a generator seeded from (seed, n), so every epoch has a new order, reproducibly.
     */
    public Dataset<T> shuffle(int bufferSize, long seed) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("shuffle buffer size must be >= 1, got " + bufferSize);
        }
        return of(pass -> new ShuffleIterator<>(iterator(pass), bufferSize, new Rng(seed ^ (0x9E3779B97F4A7C15L * (pass + 1)))),
                cardinality());
    }

    /** Consecutive elements grouped into lists of {@code size}; the last one may be shorter. */
    public Dataset<List<T>> batch(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + size);
        }
        long n = cardinality();
        return of(pass -> new BatchIterator<>(iterator(pass), size), n < 0 ? -1 : (n + size - 1) / size);
    }

    /** Each element passed through {@code function}, lazily, as a pass reaches it. */
    public <R> Dataset<R> map(Function<? super T, ? extends R> function) {
        return of(pass -> new MapIterator<>(iterator(pass), function), cardinality());
    }

    /** At most the first {@code count} elements of each pass; the rest of the input is not computed. */
    public Dataset<T> take(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("take count must be >= 0, got " + count);
        }
        long n = cardinality();
        return of(pass -> new TakeIterator<>(iterator(pass), count), n < 0 ? -1 : Math.min(n, count));
    }

    /**
     * Computes up to {@code depth} elements ahead on a background thread, so preparing the next
     * batch overlaps with training on this one. The order is unchanged. Closing the pass stops
     * the thread and waits for it to end.
     */
    public Dataset<T> prefetch(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("prefetch depth must be >= 1, got " + depth);
        }
        return of(pass -> new PrefetchIterator<>(iterator(pass), depth), cardinality());
    }

    /** A stage: {@code passes} starts pass n; {@code cardinality} is fixed when the stage is made. */
    private static <R> Dataset<R> of(LongFunction<DatasetIterator<R>> passes, long cardinality) {
        return new Dataset<>() {
            @Override
            public DatasetIterator<R> iterator(long pass) {
                if (pass < 0) {
                    throw new IllegalArgumentException("pass numbers start at 0, got " + pass);
                }
                return passes.apply(pass);
            }

            @Override
            public long cardinality() {
                return cardinality;
            }
        };
    }
}
