package dev.kiln.nlp.source;

import java.io.IOException;
import java.util.List;

/**
 * The records of a CSV or TSV file: the header row (if any) names the columns, and every record
 * must have as many fields as the header, or as the first record of a file without one.
 */
final class CsvRecords implements RecordReader {
    private final Utf8Input in;
    private final CsvParser parser;
    private final char delimiter;
    private final Column textColumn;
    private final Column labelColumn;
    private final int maxLength;
    private final boolean header;
    private int width = -1;      // fields per record: the header's, or the first record's
    private long widthLine;
    private int textIndex;
    private int labelIndex;

    CsvRecords(Utf8Input in, char delimiter, TableOptions options) throws IOException {
        this.in = in;
        this.parser = new CsvParser(in, delimiter);
        this.delimiter = delimiter;
        this.textColumn = options.text();
        this.labelColumn = options.label();
        this.maxLength = options.maxLength().orElse(-1);
        this.header = options.header().orElse(true);
        if (header) {
            List<String> names = parser.next();
            if (names == null) {
                throw new TextSourceException(in.file() + ": the file is empty; a header row naming the columns is expected"
                        + " (or read it with header(false))");
            }
            setWidth(names);
        }
    }

    @Override
    public RawRecord next() throws IOException {
        List<String> fields = parser.next();
        if (fields == null) {
            return null;
        }
        long line = parser.recordLine();
        if (width < 0) {
            setWidth(fields);
        } else if (fields.size() != width) {
            throw new TextSourceException(in.file() + ": line " + line + ": " + fields.size() + (fields.size() == 1 ? " field" : " fields")
                    + " where " + (header ? "the header has " : "the first record (line " + widthLine + ") has ") + width
                    + "; a field that holds " + (delimiter == '\t' ? "a tab" : "'" + delimiter + "'")
                    + ", a quote or a line break must be quoted (\"like " + (delimiter == '\t' ? "this" : "this, or that") + "\")");
        }
        String text = fields.get(textIndex);
        String label = fields.get(labelIndex);
        Records.requireNonEmpty(text, "text", in.file(), line, textColumn);
        Records.requireNonEmpty(label, "label", in.file(), line, labelColumn);
        return new RawRecord(Records.cut(text, maxLength), label,
                Records.isNumber(label) ? RawRecord.Kind.NUMBER_LIKE : RawRecord.Kind.TEXT, line);
    }

    @Override
    public String withoutRecords() {
        return header ? "no records after the header row" : "no records (the file is empty)";
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** The first row fixes the width and where the chosen columns are. */
    private void setWidth(List<String> first) throws TextSourceException {
        width = first.size();
        widthLine = parser.recordLine();
        textIndex = indexOf(textColumn, first);
        labelIndex = indexOf(labelColumn, first);
    }

    private int indexOf(Column column, List<String> first) throws TextSourceException {
        String where = in.file() + ": line " + widthLine + ": ";
        String row = header ? "the header" : "the first record";
        return switch (column) {
            case Column.Index(int index) when index < first.size() -> index;
            case Column.Index(int index) -> throw new TextSourceException(where + "no column " + column.describe() + "; "
                    + row + " has " + first.size() + (first.size() == 1 ? " column (0)" : " columns (0 to " + (first.size() - 1) + ")"));
            case Column.Named(String name) -> {
                int found = first.indexOf(name);
                if (found < 0) {
                    throw new TextSourceException(where + "no column " + column.describe() + " in the header; its columns are "
                            + Records.quoted(first));
                }
                if (first.lastIndexOf(name) != found) {
                    throw new TextSourceException(where + "the header names column " + column.describe() + " twice (columns "
                            + found + " and " + first.lastIndexOf(name) + ", 0-based); choose one by its number");
                }
                yield found;
            }
        };
    }
}
