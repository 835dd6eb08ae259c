package dev.kiln.engine.random;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class RngShuffleTest {
    @Test
    void aSeedNamesOneOrderOfTheSameElements() {
        List<Integer> numbers = IntStream.range(0, 50).boxed().toList();
        List<Integer> once = new Rng(7).shuffle(new ArrayList<>(numbers));
        assertEquals(once, new Rng(7).shuffle(new ArrayList<>(numbers)));
        assertNotEquals(once, new Rng(8).shuffle(new ArrayList<>(numbers)));
        assertNotEquals(numbers, once);
        assertEquals(numbers, once.stream().sorted().toList());
    }

    /** Fisher-Yates from the last position down, written out: the order ImdbData's stored order was made with. */
    @Test
    void theOrderIsFisherYatesFromTheLastPositionDown() {
        List<String> letters = new ArrayList<>(List.of("a", "b", "c", "d", "e", "f"));
        List<String> expected = new ArrayList<>(letters);
        Rng draws = new Rng(42);
        for (int i = expected.size() - 1; i > 0; i--) {
            int j = draws.nextInt(i + 1);
            String swap = expected.get(i);
            expected.set(i, expected.get(j));
            expected.set(j, swap);
        }
        assertEquals(expected, new Rng(42).shuffle(letters));
    }
}
