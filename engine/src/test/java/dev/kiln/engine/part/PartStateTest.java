package dev.kiln.engine.part;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PartState's typed getters: values as stored, and refusals that stay short whatever a file holds. */
class PartStateTest {
    @Test
    void aMistypedValueIsNamedAndShownShortened() {
        String huge = "x".repeat(5_000);
        PartState state = new PartState(Map.of("iterations", huge));
        var error = assertThrows(IllegalArgumentException.class, () -> state.getLong("iterations"));
        assertTrue(error.getMessage().startsWith("saved state value 'iterations' should be"), error.getMessage());
        assertTrue(error.getMessage().contains("\"xxx"), error.getMessage());
        assertTrue(error.getMessage().length() < 200, "a message of " + error.getMessage().length() + " characters");
    }

    @Test
    void aMissingValueListsAFewOfTheKeysThere() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < 1_000; i++) {
            values.put("key-" + "y".repeat(100) + i, i);
        }
        PartState state = new PartState(values);
        var error = assertThrows(IllegalArgumentException.class, () -> state.getLong("iterations"));
        assertTrue(error.getMessage().contains("and 992 more"), error.getMessage());
        assertTrue(error.getMessage().length() < 1_000, "a message of " + error.getMessage().length() + " characters");
    }

    @Test
    void storedValuesComeBackTyped() {
        PartState state = new PartState(Map.of("iterations", 12L, "rate", 0.5));
        assertEquals(12, state.getInt("iterations"));
        assertEquals(0.5, state.getDouble("rate"));
    }
}
