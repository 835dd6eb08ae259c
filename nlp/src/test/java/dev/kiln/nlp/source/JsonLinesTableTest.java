package dev.kiln.nlp.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static dev.kiln.nlp.source.Examples.all;
import static dev.kiln.nlp.source.Examples.example;
import static dev.kiln.nlp.source.Examples.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonLinesTableTest {
    private static final String ONE_OBJECT = "; each line must be one JSON object, such as {\"text\": \"A fine film\", \"label\": \"pos\"}";

    @TempDir
    Path dir;

    @Test
    void readsObjectsSkippingBlankLinesWithCrlfAndBom() throws IOException {
        String lines = "\uFEFF{\"text\": \"Fine \\\"quoted\\\" film\", \"label\": \"pos\"}\r\n"
                + "\r\n"
                + "   \t\n"
                + "{\"label\": \"neg\", \"text\": \"Bad\\nfilm\", \"extra\": [1, {\"x\": null}]}\n"
                + "{\"text\": \"Ünïcödé 😀\", \"label\": \"pos\"}";
        List<TextExample> expected = List.of(example("Fine \"quoted\" film", 1), example("Bad\nfilm", 0), example("Ünïcödé 😀", 1));
        for (boolean gzip : new boolean[] {false, true}) {
            byte[] bytes = lines.getBytes(StandardCharsets.UTF_8);
            TextTable table = TextTable.jsonLines(write(dir, gzip ? "r.jsonl.gz" : "r.jsonl", gzip ? Examples.gzip(bytes) : bytes),
                    TableOptions.defaults());
            LabelSet labels = table.scan();
            assertEquals(List.of("neg", "pos"), labels.classNames());
            assertEquals(3, labels.records());
            assertEquals(expected, all(table.examples(labels)));
        }
    }

    @Test
    void numbersAreNumbersAndStringsThatLookLikeNumbersAreClasses() throws IOException {
        TextTable numbers = TextTable.jsonLines(write(dir, "n.jsonl",
                "{\"text\": \"a\", \"stars\": 4}\n{\"text\": \"b\", \"stars\": 2.5}\n"),
                TableOptions.builder().labelColumn("stars").build());
        assertEquals(List.of(example("a", 4.0), example("b", 2.5)), all(numbers.examples(numbers.scan())));
        TextTable strings = TextTable.jsonLines(write(dir, "s.jsonl",
                "{\"text\": \"a\", \"label\": \"4\"}\n{\"text\": \"b\", \"label\": \"10\"}\n"),
                TableOptions.defaults());
        assertEquals(List.of("4", "10"), strings.scan().classNames());
    }

    @Test
    void malformedJsonNamesTheLineAndColumn() throws IOException {
        assertRefused("{\"text\": \"ok\", \"label\": \"pos\"}\n{\"text\": \"a\" \"label\": \"pos\"}\n",
                ": line 2, column 14: malformed JSON (expected '}')" + ONE_OBJECT);
        assertRefused("\n{\"text\": \"a\", \"text\": \"b\"}\n", ": line 2, column 22: malformed JSON (duplicate key 'text')" + ONE_OBJECT);
        assertRefused("[\"a\", \"pos\"]\n", ": line 1: a list of 2 items where an object is expected" + ONE_OBJECT);
    }

    @Test
    void missingOrMistypedColumnsAreNamed() throws IOException {
        assertRefused("{\"review\": \"x\", \"label\": \"pos\"}\n",
                ": line 1: no column 'text' in this object; its keys are 'review', 'label'");
        assertRefused("{\"text\": 5, \"label\": \"pos\"}\n", ": line 1, column 'text': the text is 5; a text must be a JSON string");
        assertRefused("{\"text\": null, \"label\": \"pos\"}\n", ": line 1, column 'text': the text is null; a text must be a JSON string");
        assertRefused("{\"text\": \"x\", \"label\": true}\n", ": line 1, column 'label': the label is true; a label must be a JSON"
                + " string (a class name) or a finite number");
        assertRefused("{\"text\": \"\", \"label\": \"pos\"}\n", ": line 1, column 'text': the text is empty; every record needs one");
    }

    @Test
    void aLabelColumnDoesNotMixStringsAndNumbers() throws IOException {
        String mixed = "{\"text\": \"a\", \"label\": \"pos\"}\n\n{\"text\": \"b\", \"label\": 3}\n";
        assertRefused(mixed, ": line 3, column 'label': the label is a number (3) where line 1 has a string; a label column holds"
                + " class names (strings) or numbers, not both");
        TextTable asClasses = TextTable.jsonLines(dir.resolve("r.jsonl"), TableOptions.builder().labelType(LabelType.CLASSES).build());
        assertEquals(List.of("3", "pos"), asClasses.scan().classNames());
    }

    @Test
    void emptyAndBlankFilesHaveNoRecords() throws IOException {
        for (String text : List.of("", "\n \n\t\r\n")) {
            assertRefused(text, ": no records (the file is empty or blank); there is nothing to learn from");
        }
    }

    @Test
    void columnsAreKeysAndThereIsNoHeader() {
        assertEquals("JSON Lines records are objects: choose columns by key, not by number (got column 0)",
                assertThrows(IllegalArgumentException.class, () -> TextTable.jsonLines(dir.resolve("x.jsonl"),
                        TableOptions.builder().textColumn(0).build())).getMessage());
        assertEquals("JSON Lines has no header row; the header option is for CSV and TSV", assertThrows(
                IllegalArgumentException.class, () -> TextTable.jsonLines(dir.resolve("x.jsonl"),
                        TableOptions.builder().header(true).build())).getMessage());
        Path absent = dir.resolve("x.jsonl");
        assertEquals(absent + ": no such file", assertThrows(TextSourceException.class,
                () -> TextTable.jsonLines(absent, TableOptions.defaults()).scan()).getMessage());
    }

    /** Writes {@code lines} to r.jsonl and checks that its scan fails with the file's name and then {@code message}. */
    private void assertRefused(String lines, String message) throws IOException {
        Path file = write(dir, "r.jsonl", lines);
        assertEquals(file + message, assertThrows(TextSourceException.class,
                () -> TextTable.jsonLines(file, TableOptions.defaults()).scan()).getMessage());
    }
}
