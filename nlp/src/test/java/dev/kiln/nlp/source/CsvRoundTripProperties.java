package dev.kiln.nlp.source;

import dev.kiln.engine.testing.TempFolder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Records written as RFC 4180 by a writer written here read back equal, whatever their text holds. */
class CsvRoundTripProperties {

    /** Fields made of the pieces that break naive readers: delimiters, quotes, every line break, a BOM, non-ASCII. */
    @Provide
    Arbitrary<String> fields() {
        return Arbitraries.of(",", "\t", "\"", "\"\"", "\r", "\n", "\r\n", " ", "a", "b", "é", "€", "中", "😀", "\uFEFF", "x y")
                .list().ofMaxSize(10).map(pieces -> String.join("", pieces));
    }

    @Provide
    Arbitrary<String> texts() {
        return fields().filter(text -> !text.isEmpty());
    }

    @Property(tries = 300)
    void anyRecordsReadBackEqual(@ForAll @Size(min = 1, max = 8) List<@Size(min = 1, max = 4) List<@From("fields") String>> rows,
                                 @ForAll boolean tab, @ForAll boolean crlf, @ForAll boolean bom, @ForAll long quoting) throws IOException {
        int width = rows.getFirst().size();
        List<List<String>> records = rows.stream().map(row -> widen(row, width)).toList();
        char delimiter = tab ? '\t' : ',';
        String csv = (bom ? "\uFEFF" : "") + write(records, delimiter, crlf, new Random(quoting));
        CsvParser parser = new CsvParser(Utf8Input.of(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "p.csv",
                Decoding.STRICT), delimiter);
        List<List<String>> read = new ArrayList<>();
        List<String> record;
        while ((record = parser.next()) != null) {
            read.add(record);
        }
        assertEquals(records, read, csv);
    }

    /** Texts and labels through TextTable, plain and gzip-compressed, with a header row. */
    @Property(tries = 100)
    void labelledTextsReadBackEqual(@ForAll @Size(min = 1, max = 20) List<@From("texts") String> texts,
                                    @ForAll @Size(min = 20, max = 20) List<@IntRange(max = 3) Integer> classes,
                                    @ForAll boolean gzip, @ForAll boolean crlf, @ForAll long quoting) throws IOException {
        List<String> names = List.of("neg", "pos, really", "\"quoted\"", "ü");
        List<List<String>> records = new ArrayList<>();
        records.add(List.of("label", "text"));
        for (int i = 0; i < texts.size(); i++) {
            records.add(List.of(names.get(classes.get(i)), texts.get(i)));
        }
        byte[] bytes = write(records, ',', crlf, new Random(quoting)).getBytes(StandardCharsets.UTF_8);
        try (TempFolder folder = TempFolder.create("kiln-csv")) {
            TextTable table = TextTable.csv(Examples.write(folder.path(), "r.csv", gzip ? Examples.gzip(bytes) : bytes),
                    TableOptions.defaults());
            List<String> scanned = new ArrayList<>();
            LabelSet labels = table.scan(scanned::add);
            assertEquals(texts, scanned);
            List<TextExample> examples = Examples.all(table.examples(labels));
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(texts.get(i), examples.get(i).text());
                Label.Category label = (Label.Category) examples.get(i).label();
                assertEquals(names.get(classes.get(i)), labels.classNames().get(label.index()));
            }
            assertEquals(texts.size(), examples.size());
        }
    }

    private static List<String> widen(List<String> row, int width) {
        List<String> wide = new ArrayList<>(row);
        while (wide.size() < width) {
            wide.add("w");
        }
        return List.copyOf(wide.subList(0, width));
    }

    /**
     * RFC 4180: a field is quoted when it holds the delimiter, a quote, a line break or starts with
     * a BOM (which a reader drops at the start of a file), or when a lone empty field would make a
     * blank line; other fields are quoted at random. Quotes inside are doubled.
     */
    static String write(List<List<String>> records, char delimiter, boolean crlf, Random random) {
        StringBuilder out = new StringBuilder();
        for (List<String> record : records) {
            for (int f = 0; f < record.size(); f++) {
                String field = record.get(f);
                boolean must = field.indexOf(delimiter) >= 0 || field.contains("\"") || field.contains("\r") || field.contains("\n")
                        || field.startsWith("\uFEFF") || record.size() == 1 && field.isEmpty();
                out.append(f == 0 ? "" : String.valueOf(delimiter));
                out.append(must || random.nextInt(4) == 0 ? "\"" + field.replace("\"", "\"\"") + "\"" : field);
            }
            out.append(crlf ? "\r\n" : "\n");
        }
        return out.toString();
    }
}
