package dev.kiln.nlp.source;

import dev.kiln.engine.testing.TempFolder;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Streaming in bounded memory: a gzip CSV and a gzip JSON Lines file with more text than the
 * whole heap are scanned and streamed. The nlp pom runs this class alone in a 64 MB heap (the
 * small-heap execution), where reading either file whole would fail; in a larger heap it proves
 * nothing and is skipped.
 */
class TextTableInSmallHeap {
    /** 96 MiB of ASCII text: 96 MiB as a byte array, 192 MiB as chars, against a heap of 64 MiB. */
    private static final long TEXT_BYTES = 96L << 20;
    private static final String FILLER = "a review long enough to matter, with \"quotes\", commas and words ".repeat(3);
    private static final List<String> LABELS = List.of("neg", "pos", "mixed");

    @Test
    void aCsvLargerThanTheHeapIsScannedAndStreamed() throws IOException {
        String quoted = FILLER.replace("\"", "\"\"");
        check("large.csv.gz", "text,label\r\n", i -> "\"" + i + " " + quoted + "\"," + LABELS.get(i % 3) + "\r\n", TextTable::csv);
    }

    @Test
    void aJsonLinesFileLargerThanTheHeapIsScannedAndStreamed() throws IOException {
        String escaped = FILLER.replace("\"", "\\\"");
        check("large.jsonl.gz", "", i -> "{\"text\": \"" + i + " " + escaped + "\", \"label\": \"" + LABELS.get(i % 3) + "\"}\n",
                TextTable::jsonLines);
    }

    private interface Reader {
        TextTable open(Path file, TableOptions options);
    }

    private static void check(String name, String header, IntFunction<String> line, Reader reader) throws IOException {
        assumeTrue(Runtime.getRuntime().maxMemory() < TEXT_BYTES, "proves something only in the small-heap execution (-Xmx64m)");
        try (TempFolder folder = TempFolder.create("kiln-large")) {
            Path file = folder.path().resolve(name);
            int records = write(file, header, line);
            TextTable table = reader.open(file, TableOptions.defaults());
            LabelSet labels = table.scan();
            assertEquals(records, labels.records());
            assertEquals(List.of("mixed", "neg", "pos"), labels.classNames());
            long[] streamed = {0};
            table.examples(labels).forEach(example -> streamed[0]++);
            assertEquals(records, streamed[0]);
        }
    }

    /** Writes a header and lines until there are {@link #TEXT_BYTES} bytes of text; returns how many lines. */
    private static int write(Path file, String header, IntFunction<String> line) throws IOException {
        long bytes = header.length();
        int records = 0;
        try (OutputStream zip = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16) {
                 {
                     def.setLevel(Deflater.BEST_SPEED);
                 }
             };
             Writer out = new BufferedWriter(new OutputStreamWriter(zip, StandardCharsets.US_ASCII), 1 << 16)) {
            out.write(header);
            while (bytes < TEXT_BYTES) {
                String text = line.apply(records++);
                out.write(text);
                bytes += text.length();
            }
        }
        return records;
    }
}
