package dev.kiln.nlp.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.kiln.nlp.source.Examples.all;
import static dev.kiln.nlp.source.Examples.example;
import static dev.kiln.nlp.source.Examples.passError;
import static dev.kiln.nlp.source.Examples.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CsvTableTest {
    private static final String UTF8_HINT = "; save the file as UTF-8, or read it with Decoding.REPLACE to get U+FFFD in place of"
            + " such bytes";

    private static final TableOptions HEADERLESS = TableOptions.builder().header(false).textColumn(0).labelColumn(1).build();

    @TempDir
    Path dir;

    /** A BOM, CRLF, quoted commas, doubled quotes, a line break inside quotes, a blank line, no newline at the end. */
    private static final String TRICKY = "\uFEFFtext,label\r\n"
            + "\"Great, really great\",pos\r\n"
            + "\"He said \"\"wow\"\"\",pos\r\n"
            + "\"line one\r\nline two\",neg\r\n"
            + "\r\n"
            + "plain text,neg\r\n"
            + "\"last, no newline\",pos";

    private static final List<TextExample> TRICKY_EXAMPLES = List.of(example("Great, really great", 1),
            example("He said \"wow\"", 1), example("line one\r\nline two", 0), example("plain text", 0),
            example("last, no newline", 1));

    @Test
    void readsQuotesCrlfBomEmbeddedLineBreaksAndBlankLines() throws IOException {
        TextTable table = TextTable.csv(write(dir, "tricky.csv", TRICKY), TableOptions.defaults());
        List<String> texts = new ArrayList<>();
        LabelSet labels = table.scan(texts::add);
        assertEquals(LabelType.CLASSES, labels.type());
        assertEquals(List.of("neg", "pos"), labels.classNames());
        assertEquals(List.of(2L, 3L), labels.classCounts());
        assertEquals(5, labels.records());
        assertEquals(TRICKY_EXAMPLES.stream().map(TextExample::text).toList(), texts);
        assertEquals(TRICKY_EXAMPLES, all(table.examples(labels)));
        assertEquals(5, table.examples(labels).cardinality());
    }

    @Test
    void gzipIsReadTransparentlyWhateverTheName() throws IOException {
        byte[] zipped = Examples.gzip(TRICKY.getBytes(StandardCharsets.UTF_8));
        for (String name : List.of("tricky.csv.gz", "tricky.csv")) {
            TextTable table = TextTable.csv(write(dir, name, zipped), TableOptions.defaults());
            assertEquals(TRICKY_EXAMPLES, all(table.examples(table.scan())), name);
        }
        Path cut = write(dir, "cut.csv.gz", Arrays.copyOf(zipped, zipped.length - 12));
        assertEquals(cut + ": the gzip data ends early (a truncated file?)",
                assertThrows(TextSourceException.class, () -> TextTable.csv(cut, TableOptions.defaults()).scan()).getMessage());
    }

    @Test
    void aHeaderlessTsvChoosesColumnsByZeroBasedNumber() throws IOException {
        Path file = write(dir, "rated.tsv", "4\tGood, not great\n\"1\"\t\"Awful\ttabs\"\n10\tA \"classic\"\n");
        TableOptions options = TableOptions.builder().header(false).textColumn(1).labelColumn(0).build();
        TextTable table = TextTable.tsv(file, options);
        LabelSet labels = table.scan();
        assertEquals(LabelType.NUMBERS, labels.type());
        assertEquals(List.of(), labels.classNames());
        assertEquals(List.of(example("Good, not great", 4.0), example("Awful\ttabs", 1.0), example("A \"classic\"", 10.0)),
                all(table.examples(labels)));

        TextTable asClasses = TextTable.tsv(file, TableOptions.builder().header(false).textColumn(1).labelColumn(0)
                .labelType(LabelType.CLASSES).build());
        assertEquals(List.of("1", "4", "10"), asClasses.scan().classNames()); // numeric names sort as numbers
    }

    @Test
    void stringLabelsAreClassesInCodePointOrderAndNumbersStayNumbers() throws IOException {
        Path classes = write(dir, "c.csv", "text,label\na,b\nb,é\nc,Z\nd,a\ne,10\nf,9\n");
        assertEquals(List.of("10", "9", "Z", "a", "b", "é"), TextTable.csv(classes, TableOptions.defaults()).scan().classNames());
        Path numbers = write(dir, "n.csv", "text,label\na,4\nb,-0.5\nc,1e3\nd,+.5\n");
        TextTable table = TextTable.csv(numbers, TableOptions.defaults());
        assertEquals(List.of(example("a", 4.0), example("b", -0.5), example("c", 1000.0), example("d", 0.5)),
                all(table.examples(table.scan())));
    }

    @Test
    void raggedRowsNameTheLineWhereTheRecordStarts() throws IOException {
        assertRefused("ragged.csv", "text,label\n\"two\nlines\",pos\n\nc,pos,extra\n", TableOptions.defaults(),
                ": line 5: 3 fields where the header has 2; a field that holds ',', a quote or a line break must be quoted"
                        + " (\"like this, or that\")");
        assertRefused("ragged.tsv", "a\tpos\nb\tneg\nlonely\n", HEADERLESS, ": line 3: 1 field where the first record (line 1)"
                + " has 2; a field that holds a tab, a quote or a line break must be quoted (\"like this\")");
    }

    @Test
    void missingColumnsAreNamedWithTheColumnsThereAre() throws IOException {
        String reviews = "review,sentiment\nFine,pos\n";
        assertRefused("m.csv", reviews, TableOptions.defaults(),
                ": line 1: no column 'text' in the header; its columns are 'review', 'sentiment'");
        assertRefused("m.csv", reviews, TableOptions.builder().textColumn(0).labelColumn(2).build(),
                ": line 1: no column 2 (0-based); the header has 2 columns (0 to 1)");
        assertRefused("d.csv", "text,label,text\na,b,c\n", TableOptions.defaults(),
                ": line 1: the header names column 'text' twice (columns 0 and 2, 0-based); choose one by its number");
        TextTable byNumber = TextTable.csv(dir.resolve("d.csv"), TableOptions.builder().textColumn(2).build());
        assertEquals(List.of(example("c", 0)), all(byNumber.examples(byNumber.scan())));
    }

    @Test
    void anEmptyTextOrLabelIsAnError() throws IOException {
        assertRefused("e.csv", "text,label\nfine,pos\n,pos\n", TableOptions.defaults(),
                ": line 3, column 'text': the text is empty; every record needs one");
        assertRefused("l.csv", "text,label\nfine,\n", TableOptions.defaults(),
                ": line 2, column 'label': the label is empty; every record needs one");
    }

    @Test
    void brokenQuotesAreErrors() throws IOException {
        assertRefused("u.csv", "text,label\nok,pos\n\"never closed,neg\nmore\n", TableOptions.defaults(),
                ": line 3, column 0 (0-based): the quoted field that starts here never ends (the file ends inside it); a quote"
                        + " inside a quoted field is written twice (\"\")");
        assertRefused("q.csv", "text,label\n\"say \"hi\" now\",pos\n", TableOptions.defaults(),
                ": line 2, column 0 (0-based): 'h' after the closing quote of a quoted field; a quote inside a quoted field is"
                        + " written twice (\"\"), as in \"say \"\"hi\"\"\"");
        TextTable bare = TextTable.csv(write(dir, "b.csv", "text,label\n5\" screen,pos\n"), TableOptions.defaults());
        assertEquals(List.of(example("5\" screen", 0)), all(bare.examples(bare.scan()))); // a quote inside an unquoted field
    }

    @Test
    void bytesThatAreNotUtf8AreAnErrorOrReplaced() throws IOException {
        byte[] latin1 = "text,label\ncafé,pos\n".getBytes(StandardCharsets.ISO_8859_1);
        Path file = write(dir, "latin1.csv", latin1);
        assertEquals(file + ": line 2: not UTF-8 at byte offset 14 (0xE9 0x2C)" + UTF8_HINT,
                scanError(TextTable.csv(file, TableOptions.defaults())));
        TextTable replaced = TextTable.csv(file, TableOptions.builder().decoding(Decoding.REPLACE).build());
        assertEquals(List.of(example("caf\uFFFD", 0)), all(replaced.examples(replaced.scan())));
    }

    @Test
    void emptyFilesAndFilesWithoutRecords() throws IOException {
        assertRefused("empty.csv", "", TableOptions.defaults(),
                ": the file is empty; a header row naming the columns is expected (or read it with header(false))");
        assertRefused("empty.csv", "", HEADERLESS, ": no records (the file is empty); there is nothing to learn from");
        assertRefused("header.csv", "text,label\r\n\r\n", TableOptions.defaults(),
                ": no records after the header row; there is nothing to learn from");
    }

    @Test
    void theClassSetIsBounded() throws IOException {
        String tooMany = ", column 'label': more than 2 distinct class names (the first past the limit: '%s'); is this the label"
                + " column? Raise maxClasses if the classes are real, or read the labels as numbers (labelType NUMBERS)";
        TableOptions twoClasses = TableOptions.builder().maxClasses(2).build();
        assertRefused("many.csv", "text,label\na,x\nb,y\nc,x\nd,z\n", twoClasses, ": line 5" + tooMany.formatted("z"));
        Path numbers = write(dir, "numbers.csv", "text,label\na,1\nb,2\nc,3\nd,4\n");
        assertEquals(LabelType.NUMBERS, TextTable.csv(numbers, twoClasses).scan().type());
        String late = "text,label\na,1\nb,2\nc,3\nd,four\n";
        assertRefused("late.csv", late, twoClasses, ": line 5" + tooMany.formatted("3"));
        assertRefused("late.csv", late, TableOptions.builder().labelType(LabelType.NUMBERS).build(), ": line 5, column"
                + " 'label': the label 'four' is not a number; the labels are numbers here (a decimal such as 4, -0.5 or 1e3)");
    }

    @Test
    void anotherFilesExamplesUseTheScannedClasses() throws IOException {
        TextTable train = TextTable.csv(write(dir, "train.csv", "text,label\na,pos\nb,neg\n"), TableOptions.defaults());
        LabelSet labels = train.scan();
        TextTable test = TextTable.csv(write(dir, "test.csv", "text,label\nc,pos\nd,maybe\n"), TableOptions.defaults());
        assertEquals(-1, test.examples(labels).cardinality());
        assertEquals(test.file() + ": line 3, column 'label': 'maybe' is not one of the 2 classes the scan of " + train.file()
                + " found ('neg', 'pos'); every label must be one of them", passError(test.examples(labels)));
    }

    @Test
    void maxLengthCutsCodePoints() throws IOException {
        TextTable table = TextTable.csv(write(dir, "long.csv", "text,label\n😀😀😀😀,pos\nab,neg\n"),
                TableOptions.builder().maxLength(3).build());
        List<String> texts = new ArrayList<>();
        assertEquals(List.of(example("😀😀😀", 1), example("ab", 0)), all(table.examples(table.scan(texts::add))));
        assertEquals(List.of("😀😀😀", "ab"), texts);
    }

    @Test
    void optionsThatCannotWorkAreRefusedWhenBuilt() {
        assertEquals("a file without a header row has no column names: choose the text and label columns by their 0-based"
                + " number, e.g. textColumn(0).labelColumn(1)", assertThrows(IllegalArgumentException.class,
                () -> TableOptions.builder().header(false).build()).getMessage());
        assertEquals("the text and the label column are both 1 (0-based); they must differ", assertThrows(
                IllegalArgumentException.class, () -> TableOptions.builder().textColumn(1).labelColumn(1).build()).getMessage());
        assertEquals("maxClasses must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> TableOptions.builder().maxClasses(0).build()).getMessage());
    }

    /** Writes {@code content} to {@code name} and checks that its scan fails with the file's name and then {@code message}. */
    private void assertRefused(String name, String content, TableOptions options, String message) throws IOException {
        Path file = write(dir, name, content);
        assertEquals(file + message, scanError(name.endsWith(".tsv") ? TextTable.tsv(file, options) : TextTable.csv(file, options)));
    }

    private static String scanError(TextTable table) {
        return assertThrows(TextSourceException.class, table::scan).getMessage();
    }
}
