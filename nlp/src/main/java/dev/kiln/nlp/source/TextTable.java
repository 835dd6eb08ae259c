package dev.kiln.nlp.source;

import dev.kiln.engine.data.Dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Labelled texts in a CSV, TSV or JSON Lines file, read as a stream: one record at a time, so a
 * file of any size needs little memory, and gzip-compressed files (recognised by their first
 * bytes, whatever their name) are decompressed on the fly. Text must be UTF-8 (an optional
 * byte-order mark is dropped).
 *
 * <p>Use it in two passes. {@link #scan(Consumer)} reads the file once, hands every text to the
 * caller (to adapt a vocabulary in the same pass) and collects the labels into a
 * {@link LabelSet}: the class names, sorted, or numbers. {@link #examples(LabelSet)} then streams
 * the examples, reading the file again on every pass of the dataset.
 *
 * <p>CSV and TSV follow RFC 4180 (quoted fields may hold the delimiter, doubled quotes and line
 * breaks; CRLF, LF or CR end a record; blank lines are skipped). The first record is a header
 * row naming the columns unless {@link TableOptions#header()} says there is none; columns are
 * chosen by name or by 0-based number. Every record must have as many fields as the header (or
 * as the first record). In JSON Lines each non-blank line is one object; columns are its keys.
 * A missing column, a ragged row, an empty text or label, malformed JSON or bytes that are not
 * UTF-8 are errors naming the file, the line where the record starts (1-based) and the column.
 */
public final class TextTable {
    /** The three formats. */
    private enum Format {
        CSV, TSV, JSON_LINES
    }

    private final Path file;
    private final Format format;
    private final TableOptions options;

    private TextTable(Path file, Format format, TableOptions options) {
        this.file = Objects.requireNonNull(file, "file");
        this.format = format;
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A comma-separated file (RFC 4180). */
    public static TextTable csv(Path file, TableOptions options) {
        return new TextTable(file, Format.CSV, options);
    }

    /** A tab-separated file, with the quoting rules of RFC 4180. */
    public static TextTable tsv(Path file, TableOptions options) {
        return new TextTable(file, Format.TSV, options);
    }

    /** A JSON Lines file: one object per line; columns are chosen by key. */
    public static TextTable jsonLines(Path file, TableOptions options) {
        if (options.header().isPresent()) {
            throw new IllegalArgumentException("JSON Lines has no header row; the header option is for CSV and TSV");
        }
        JsonLinesRecords.key(options.text());
        JsonLinesRecords.key(options.label());
        return new TextTable(file, Format.JSON_LINES, options);
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The options it is read with. */
    public TableOptions options() {
        return options;
    }

    /** Reads the whole file once and collects its labels; every record is checked. */
    public LabelSet scan() throws IOException {
        return scan(text -> { });
    }

    /**
     * Reads the whole file once: hands every text (cut to the maximum length) to {@code texts}, in
     * file order, and collects the labels. Refuses a file without records, a label column that
     * mixes JSON strings and numbers, and more distinct class names than
     * {@link TableOptions#maxClasses()}.
     */
    public LabelSet scan(Consumer<? super String> texts) throws IOException {
        LabelCollector labels = new LabelCollector(options.labelType(),
                options.maxClasses().orElse(LabelSet.DEFAULT_MAX_CLASSES), file.toString(), options.label());
        try (RecordReader records = open()) {
            RawRecord record;
            while ((record = records.next()) != null) {
                labels.add(record);
                texts.accept(record.text());
            }
            return labels.finish(records.withoutRecords());
        }
    }

    /**
     * The examples, streamed: each pass of the dataset reads the file from the start, in file
     * order (shuffle with {@link Dataset#shuffle}). Each label becomes a class index in
     * {@code labels}' class names, or a number. A read error ends the pass with an
     * {@link java.io.UncheckedIOException} whose message names the file, line and column. The
     * cardinality is known when {@code labels} came from scanning this file.
     */
    public Dataset<TextExample> examples(LabelSet labels) {
        Objects.requireNonNull(labels, "labels");
        long cardinality = labels.scannedFile().equals(file.toString()) ? labels.records() : -1;
        return new ReadingDataset<>(cardinality, () -> {
            RecordReader records = open();
            return new ReadingDataset.Reader<>() {
                @Override
                public TextExample read() throws IOException {
                    RawRecord record = records.next();
                    return record == null ? null
                            : new TextExample(record.text(), labels.label(record, file.toString(), options.label()));
                }

                @Override
                public void close() throws IOException {
                    records.close();
                }
            };
        });
    }

    private RecordReader open() throws IOException {
        Utf8Input in = Utf8Input.open(file, file.toString(), options.decoding().orElse(Decoding.STRICT), true);
        try {
            return switch (format) {
                case CSV -> new CsvRecords(in, ',', options);
                case TSV -> new CsvRecords(in, '\t', options);
                case JSON_LINES -> new JsonLinesRecords(in, options);
            };
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
