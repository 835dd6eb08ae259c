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
        TextTable numbers = TextTable.jsonLines(write(dir, "n.jsonl", "{\"text\": \"a\", \"stars\": 4}\n{\"text\": \"b\", \"stars\": 2.5}\n"),
                TableOptions.builder().labelColumn("stars").build());
        assertEquals(List.of(example("a", 4.0), example("b", 2.5)), all(numbers.examples(numbers.scan())));
        TextTable strings = TextTable.jsonLines(write(dir, "s.jsonl", "{\"text\": \"a\", \"label\": \"4\"}\n{\"text\": \"b\", \"label\": \"10\"}\n"),
                TableOptions.defaults());
        assertEquals(List.of("4", "10"), strings.scan().classNames());
    }

    @Test
    void malformedJsonNamesTheLineAndColumn() throws IOException {
        Path file = write(dir, "m.jsonl", "{\"text\": \"ok\", \"label\": \"pos\"}\n{\"text\": \"a\" \"label\": \"pos\"}\n");
        assertEquals(file + ": line 2, column 14: malformed JSON (expected '}')" + ONE_OBJECT, scanError(file));
        Path twice = write(dir, "d.jsonl", "\n{\"text\": \"a\", \"text\": \"b\"}\n");
        assertEquals(twice + ": line 2, column 22: malformed JSON (duplicate key 'text')" + ONE_OBJECT, scanError(twice));
        Path array = write(dir, "a.jsonl", "[\"a\", \"pos\"]\n");
        assertEquals(array + ": line 1: a list of 2 items where an object is expected" + ONE_OBJECT, scanError(array));
    }

    @Test
    void missingOrMistypedColumnsAreNamed() throws IOException {
        Path missing = write(dir, "k.jsonl", "{\"review\": \"x\", \"label\": \"pos\"}\n");
        assertEquals(missing + ": line 1: no column 'text' in this object; its keys are 'review', 'label'", scanError(missing));
        Path number = write(dir, "t.jsonl", "{\"text\": 5, \"label\": \"pos\"}\n");
        assertEquals(number + ": line 1, column 'text': the text is 5; a text must be a JSON string", scanError(number));
        Path nothing = write(dir, "z.jsonl", "{\"text\": null, \"label\": \"pos\"}\n");
        assertEquals(nothing + ": line 1, column 'text': the text is null; a text must be a JSON string", scanError(nothing));
        Path flag = write(dir, "b.jsonl", "{\"text\": \"x\", \"label\": true}\n");
        assertEquals(flag + ": line 1, column 'label': the label is true; a label must be a JSON string (a class name) or a"
                + " finite number", scanError(flag));
        Path empty = write(dir, "e.jsonl", "{\"text\": \"\", \"label\": \"pos\"}\n");
        assertEquals(empty + ": line 1, column 'text': the text is empty; every record needs one", scanError(empty));
    }

    @Test
    void aLabelColumnDoesNotMixStringsAndNumbers() throws IOException {
        Path file = write(dir, "x.jsonl", "{\"text\": \"a\", \"label\": \"pos\"}\n\n{\"text\": \"b\", \"label\": 3}\n");
        assertEquals(file + ": line 3, column 'label': the label is a number (3) where line 1 has a string; a label column holds"
                + " class names (strings) or numbers, not both", scanError(file));
        TextTable asClasses = TextTable.jsonLines(file, TableOptions.builder().labelType(LabelType.CLASSES).build());
        assertEquals(List.of("3", "pos"), asClasses.scan().classNames());
    }

    @Test
    void emptyAndBlankFilesHaveNoRecords() throws IOException {
        for (String text : List.of("", "\n \n\t\r\n")) {
            Path file = write(dir, "blank.jsonl", text);
            assertEquals(file + ": no records (the file is empty or blank); there is nothing to learn from", scanError(file));
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
        assertEquals(dir.resolve("x.jsonl") + ": no such file", scanError(dir.resolve("x.jsonl")));
    }

    private static String scanError(Path file) {
        return assertThrows(TextSourceException.class, () -> TextTable.jsonLines(file, TableOptions.defaults()).scan())
                .getMessage();
    }
}
