package dev.kiln.engine.json;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    @Test
    void roundTripKeepsTypesAndOrder() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("int", 3);
        value.put("long", 5_000_000_000L);
        value.put("double", 1.0);
        value.put("tiny", 1e-7);
        value.put("text", "é \"quoted\" \\ \n\t\u0001");
        value.put("list", List.of("", "[UNK]", "the"));
        value.put("nothing", null);
        value.put("flag", true);
        value.put("nested", Map.of("k", 2));
        Object parsed = JsonReader.parse(JsonWriter.write(value), "test");
        assertEquals(value, parsed);
        assertEquals(Integer.class, ((Map<?, ?>) parsed).get("int").getClass());
        assertEquals(Long.class, ((Map<?, ?>) parsed).get("long").getClass());
        assertEquals(Double.class, ((Map<?, ?>) parsed).get("double").getClass());
        String line = JsonWriter.writeLine(value);
        assertEquals(-1, line.indexOf('\n'), "one line: " + line);
        assertEquals(value, JsonReader.parse(line, "line"));
        assertEquals("{\"a\": 1, \"b\": {\"c\": [1, 2]}}", JsonWriter.writeLine(new java.util.TreeMap<>(Map.of("a", 1,
                "b", Map.of("c", List.of(1, 2))))));
    }

    @Test
    void hostileOrBrokenJsonIsRefusedWithItsOffset() {
        assertError("{\"a\": 1, \"a\": 2}", "duplicate key 'a'");
        assertError("[".repeat(100) + "]".repeat(100), "nested more than 64 levels deep");
        assertError("{\"a\": 1", "unexpected end");
        assertError("\"open", "unterminated string");
        assertError("[1, 2] x", "unexpected text after the value");
        assertError("{\"a\": 1e}", "malformed number");
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(Double.NaN));
    }

    @Test
    void aSyntaxErrorCarriesItsProblemAndOffset() {
        var error = assertThrows(JsonSyntaxException.class, () -> JsonReader.parse("{\"a\" 1}", "line 3"));
        assertEquals("expected ':'", error.problem());
        assertEquals(5, error.offset());
        assertEquals("line 3: JSON expected ':' at character 5", error.getMessage());
    }

    private static void assertError(String json, String expected) {
        var error = assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(json, "file.kiln: metadata"));
        assertTrue(error.getMessage().startsWith("file.kiln: metadata: JSON ") && error.getMessage().contains(expected)
                && error.getMessage().contains("at character"), error.getMessage());
    }
}
