package dev.kiln.engine.data;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetTest {

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    private static <T> List<T> pass(Dataset<T> dataset) {
        List<T> out = new ArrayList<>();
        dataset.forEach(out::add);
        return out;
    }

    @Property(tries = 50)
    void shuffleIsAPermutationThatChangesEveryEpochAndRepeatsPerSeed(@ForAll @IntRange(min = 0, max = 300) int n,
                                                                     @ForAll @IntRange(min = 1, max = 400) int buffer,
                                                                     @ForAll long seed) {
        Dataset<Integer> shuffled = Dataset.fromList(range(n)).shuffle(buffer, seed);
        List<Integer> first = pass(shuffled);
        List<Integer> second = pass(shuffled);
        assertEquals(range(n), first.stream().sorted().toList(), "a permutation");
        assertEquals(range(n), second.stream().sorted().toList(), "a permutation");
        if (n > 20 && buffer > 5) {
            assertNotEquals(first, second, "a new order each epoch");
        }
        Dataset<Integer> again = Dataset.fromList(range(n)).shuffle(buffer, seed);
        assertEquals(first, pass(again), "the same seed gives the same first epoch");
        assertEquals(second, pass(again), "and the same second epoch");
    }

    @Test
    void aBufferOfOneKeepsTheOrderAndASmallBufferOnlyMovesElementsForwardALittle() {
        assertEquals(range(50), pass(Dataset.fromList(range(50)).shuffle(1, 3)));
        // With tf.data's buffer an element can come out at most bufferSize-1 places early.
        List<Integer> out = pass(Dataset.fromList(range(1000)).shuffle(10, 3));
        for (int position = 0; position < out.size(); position++) {
            assertTrue(out.get(position) <= position + 9, "element " + out.get(position) + " at " + position);
        }
    }

    @Test
    void batchTakeAndMap() {
        Dataset<List<Integer>> batches = Dataset.fromList(range(10)).batch(4);
        assertEquals(List.of(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(8, 9)), pass(batches));
        assertEquals(3, batches.cardinality());
        assertEquals(List.of(List.of(0, 1, 2, 3)), pass(batches.take(1)));
        assertEquals(List.of(4, 4, 2), pass(batches.map(List::size)));
    }

    @Test
    void prefetchKeepsTheOrderAndReportsFailures() {
        assertEquals(range(1000), pass(Dataset.fromList(range(1000)).prefetch(3)));
        IllegalStateException boom = new IllegalStateException("bad element");
        Dataset<Integer> failing = Dataset.fromList(range(5)).map(i -> {
            if (i == 3) {
                throw boom;
            }
            return i;
        }).prefetch(2);
        Iterator<Integer> iterator = failing.iterator();
        assertEquals(0, iterator.next());
        assertEquals(1, iterator.next());
        assertEquals(2, iterator.next());
        assertSame(boom, assertThrows(IllegalStateException.class, iterator::next));
    }

    /** Pass n's order is what it was before passes became closeable (values from the previous implementation). */
    @Test
    void shuffledPassesKeepTheirOrder() {
        Dataset<Integer> shuffled = Dataset.fromList(range(20)).shuffle(5, 42);
        assertEquals(List.of(1, 3, 4, 0, 5, 8, 2, 10, 6, 11, 9, 14, 7, 12, 18, 17, 15, 19, 16, 13), all(shuffled.iterator(0)));
        assertEquals(List.of(0, 1, 5, 2, 7, 3, 8, 6, 11, 4, 9, 15, 14, 12, 13, 19, 16, 18, 17, 10), all(shuffled.iterator(3)));
        Dataset<List<Integer>> batches = Dataset.fromList(range(10)).shuffle(100, 7).batch(4).prefetch(2);
        assertEquals(List.of(List.of(3, 5, 6, 7), List.of(0, 4, 2, 9), List.of(8, 1)), all(batches.iterator(1)));
    }

    @Test
    void closingAPrefetchMidPassEndsItsThreadAndIsIdempotent() {
        Recording source = new Recording(1000);
        Started<DatasetIterator<Integer>> started = starting(1, () -> source.prefetch(2).iterator());
        DatasetIterator<Integer> iterator = started.value();
        assertEquals(0, iterator.next());
        assertEquals(1, iterator.next());
        assertTrue(started.producer().isDaemon());
        iterator.close();
        assertFalse(started.producer().isAlive(), "the producer has ended when close returns");
        assertEquals(1, source.closes.get(), "the producer closed the source");
        iterator.close();
        assertEquals(1, source.closes.get());
        assertFalse(iterator.hasNext());
        assertThrows(NoSuchElementException.class, iterator::next);
    }

    @Test
    void closingAChainClosesEveryStage() {
        Recording source = new Recording(100);
        Started<DatasetIterator<Integer>> chain = starting(1,
                () -> source.shuffle(10, 1).batch(4).map(List::size).take(20).prefetch(2).iterator());
        assertEquals(4, chain.value().next());
        chain.value().close();
        assertFalse(chain.producer().isAlive());
        assertEquals(1, source.closes.get());

        Recording inner = new Recording(100);
        Started<DatasetIterator<Integer>> nested = starting(2, () -> inner.prefetch(2).map(i -> i * 2).prefetch(3).iterator());
        assertEquals(0, nested.value().next());
        nested.value().close();
        nested.producers().forEach(thread -> assertFalse(thread.isAlive(), thread + " still alive"));
        assertEquals(1, inner.closes.get());
    }

    @Test
    void takeClosesItsInputOnceItHasItsCount() {
        Recording source = new Recording(10);
        DatasetIterator<Integer> taken = source.take(2).iterator();
        taken.next();
        assertEquals(0, source.closes.get());
        taken.next();
        assertEquals(1, source.closes.get(), "closed on taking the last element, before hasNext");
        assertFalse(taken.hasNext());
        taken.close();
        assertEquals(1, source.closes.get());
    }

    @Test
    void anExhaustedPassClosesItself() {
        Recording source = new Recording(7);
        Started<DatasetIterator<List<Integer>>> started = starting(1, () -> source.shuffle(3, 5).batch(2).prefetch(1).iterator());
        assertEquals(4, all(started.value()).size());
        assertFalse(started.producer().isAlive(), "the end of the pass ended the producer");
        assertEquals(1, source.closes.get());

        Recording plain = new Recording(3);
        DatasetIterator<Integer> unbuffered = plain.map(i -> i + 1).iterator();
        assertEquals(List.of(1, 2, 3), all(unbuffered));
        assertEquals(1, plain.closes.get());
    }

    @Test
    void aProducerFailureReachesTheConsumerAndEndsThePass() {
        Recording source = new Recording(10);
        IllegalStateException boom = new IllegalStateException("bad element");
        Started<DatasetIterator<Integer>> started = starting(1, () -> source.map(i -> {
            if (i == 4) {
                throw boom;
            }
            return i;
        }).prefetch(2).iterator());
        DatasetIterator<Integer> iterator = started.value();
        assertEquals(List.of(0, 1, 2, 3), List.of(iterator.next(), iterator.next(), iterator.next(), iterator.next()));
        assertSame(boom, assertThrows(IllegalStateException.class, iterator::hasNext));
        assertFalse(started.producer().isAlive());
        assertEquals(1, source.closes.get());
        assertFalse(iterator.hasNext());
    }

    @Test
    void forEachClosesThePassWhenTheActionThrows() {
        Recording source = new Recording(10);
        Dataset<Integer> prefetched = source.prefetch(2);
        Set<Thread> before = prefetchThreads();
        assertThrows(IllegalStateException.class, () -> prefetched.forEach(i -> {
            throw new IllegalStateException("stop");
        }));
        assertEquals(1, source.closes.get());
        assertTrue(before.containsAll(prefetchThreads()), "no new prefetch thread alive");
    }

    /** A for-each left with break cannot close its pass: the Cleaner stops the producer once the iterator is garbage. */
    @Test
    void anAbandonedPrefetchIteratorIsStoppedAfterGarbageCollection() throws InterruptedException {
        Recording source = new Recording(1000);
        Thread producer = starting(1, () -> abandonAfterTwo(source.prefetch(2))).producer();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (producer.isAlive() && System.nanoTime() < deadline) {
            System.gc();
            producer.join(50);
        }
        assertFalse(producer.isAlive(), "the producer of an unreachable iterator still runs after 10 s of GCs");
        assertEquals(1, source.closes.get(), "and it closed its input");
        assertTrue(Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().equals("kiln-cleaner"))
                .allMatch(Thread::isDaemon), "the Cleaner's thread does not keep the JVM alive");
    }

    private static int abandonAfterTwo(Dataset<Integer> dataset) {
        int seen = 0;
        for (int ignored : dataset) {
            if (++seen == 2) {
                break;
            }
        }
        return seen;
    }

    /** close() waits for the producer only so long: one stuck in its input's next() is reported, and ends when next() returns. */
    @Test
    void closeReportsAProducerStuckInItsInput() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch reached = new CountDownLatch(1);
        Recording source = new Recording(10) {
            @Override
            void onNext(int element) {
                if (element == 1) {
                    reached.countDown();
                    awaitUninterruptibly(release);
                }
            }
        };
        Started<PrefetchIterator<Integer>> started = starting(1, () -> new PrefetchIterator<>(source.iterator(0), 2, Duration.ofMillis(100)));
        assertEquals(0, started.value().next());
        // Closed only once the producer is inside its input: closed earlier, it would stop in time.
        assertTrue(reached.await(10, TimeUnit.SECONDS), "the producer never asked for element 1");
        IllegalStateException stuck = assertThrows(IllegalStateException.class, started.value()::close);
        assertTrue(stuck.getMessage().contains("did not end within 100 ms"), stuck.getMessage());
        release.countDown();
        started.producer().join(Duration.ofSeconds(10));
        assertFalse(started.producer().isAlive());
        assertEquals(1, source.closes.get());
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> List<T> all(DatasetIterator<T> iterator) {
        List<T> out = new ArrayList<>();
        iterator.forEachRemaining(out::add);
        return out;
    }

    private static Set<Thread> prefetchThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("kiln-prefetch") && thread.isAlive())
                .collect(Collectors.toSet());
    }

    /** What {@code start} returned, and the prefetch threads it started. */
    private record Started<T>(T value, Set<Thread> producers) {
        Thread producer() {
            return producers.iterator().next();
        }
    }

    private static <T> Started<T> starting(int threads, Supplier<T> start) {
        Set<Thread> before = prefetchThreads();
        T value = start.get();
        Set<Thread> started = new HashSet<>(prefetchThreads());
        started.removeAll(before);
        assertEquals(threads, started.size(), "new prefetch threads");
        return new Started<>(value, started);
    }

    /** The elements 0..size-1, counting every call of close (stages must close their input exactly once). */
    private static class Recording extends Dataset<Integer> {
        final AtomicInteger closes = new AtomicInteger();
        private final int size;

        Recording(int size) {
            this.size = size;
        }

        void onNext(int element) {}

        @Override
        public long cardinality() {
            return size;
        }

        @Override
        public DatasetIterator<Integer> iterator(long pass) {
            return new DatasetIterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < size;
                }

                @Override
                public Integer next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    onNext(next);
                    return next++;
                }

                @Override
                public void close() {
                    closes.incrementAndGet();
                }
            };
        }
    }

    @Test
    void badArgumentsAreNamed() {
        Dataset<Integer> data = Dataset.fromList(range(3));
        assertEquals("shuffle buffer size must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> data.shuffle(0, 1)).getMessage());
        assertEquals("batch size must be >= 1, got -2",
                assertThrows(IllegalArgumentException.class, () -> data.batch(-2)).getMessage());
        assertEquals("prefetch depth must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> data.prefetch(0)).getMessage());
    }
}
