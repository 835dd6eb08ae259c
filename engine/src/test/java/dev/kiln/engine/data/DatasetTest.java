package dev.kiln.engine.data;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
