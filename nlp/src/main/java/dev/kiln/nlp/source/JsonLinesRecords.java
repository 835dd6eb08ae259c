package dev.kiln.nlp.source;

import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.json.JsonSyntaxException;
import dev.kiln.engine.json.JsonValues;

import java.io.IOException;
import java.util.Map;

/**
 * The records of a JSON Lines file: one JSON object per line, read with the engine's strict JSON
 * reader (duplicate keys and nesting deeper than {@link JsonReader#MAX_DEPTH} are errors). Lines
 * end at LF, CRLF or CR; blank lines (nothing but spaces and tabs) are skipped. The text is a
 * JSON string; the label a string (a class name) or a number. A line longer than
 * {@link CsvParser#MAX_RECORD_CHARS} is refused.
 */
final class JsonLinesRecords implements RecordReader {
    private static final String EXAMPLE = "{\"text\": \"A fine film\", \"label\": \"pos\"}";

    private final Utf8Input in;
    private final String textKey;
    private final String labelKey;
    private final Column textColumn;
    private final Column labelColumn;
    private final int maxLength;
    private final StringBuilder line = new StringBuilder();

    JsonLinesRecords(Utf8Input in, TableOptions options) {
        this.in = in;
        this.textColumn = options.text();
        this.labelColumn = options.label();
        this.textKey = key(textColumn);
        this.labelKey = key(labelColumn);
        this.maxLength = options.maxLength().orElse(-1);
    }

    /** The key a column names; JSON Lines columns are keys, never numbers. */
    static String key(Column column) {
        return switch (column) {
            case Column.Named(String name) -> name;
            case Column.Index(int index) -> throw new IllegalArgumentException("JSON Lines records are objects: choose"
                    + " columns by key, not by number (got column " + index + ")");
        };
    }

    @Override
    public RawRecord next() throws IOException {
        long number;
        do {
            number = in.line();
            if (!readLine(number)) {
                return null;
            }
        } while (isBlank(line));
        Object value;
        try {
            value = JsonReader.parse(line.toString(), in.file() + ": line " + number);
        } catch (JsonSyntaxException e) {
            throw new TextSourceException(in.file() + ": line " + number + ", column " + (e.offset() + 1) + ": malformed JSON ("
                    + e.problem() + "); each line must be one JSON object, such as " + EXAMPLE);
        }
        if (!(value instanceof Map<?, ?> object)) {
            throw new TextSourceException(in.file() + ": line " + number + ": " + JsonValues.describe(value)
                    + " where an object is expected; each line must be one JSON object, such as " + EXAMPLE);
        }
        Object textValue = field(object, textKey, number);
        if (!(textValue instanceof String text)) {
            throw new TextSourceException(Records.at(in.file(), number, textColumn) + "the text is "
                    + JsonValues.describe(textValue) + "; a text must be a JSON string");
        }
        Records.requireNonEmpty(text, "text", in.file(), number, textColumn);
        Object labelValue = field(object, labelKey, number);
        if (labelValue instanceof String label) {
            Records.requireNonEmpty(label, "label", in.file(), number, labelColumn);
            return new RawRecord(Records.cut(text, maxLength), label, RawRecord.Kind.TEXT, number);
        }
        if (labelValue instanceof Number label && Double.isFinite(label.doubleValue())) {
            return new RawRecord(Records.cut(text, maxLength), String.valueOf(label), RawRecord.Kind.NUMBER, number);
        }
        throw new TextSourceException(Records.at(in.file(), number, labelColumn) + "the label is "
                + JsonValues.describe(labelValue) + "; a label must be a JSON string (a class name) or a finite number");
    }

    @Override
    public String withoutRecords() {
        return "no records (the file is empty or blank)";
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads one physical line into {@link #line}; false at the end of the file. */
    private boolean readLine(long number) throws IOException {
        line.setLength(0);
        int c = in.read();
        if (c < 0) {
            return false;
        }
        while (c >= 0 && c != '\n' && c != '\r') {
            if (line.length() == CsvParser.MAX_RECORD_CHARS) {
                throw new TextSourceException(in.file() + ": line " + number + " is longer than "
                        + Records.grouped(CsvParser.MAX_RECORD_CHARS) + " characters");
            }
            line.append((char) c);
            c = in.read();
        }
        return true;
    }

    private Object field(Map<?, ?> object, String key, long number) throws TextSourceException {
        if (!object.containsKey(key)) {
            throw new TextSourceException(in.file() + ": line " + number + ": no column '" + key + "' in this object; "
                    + (object.isEmpty() ? "it is empty" : "its keys are " + Records.quoted(object.keySet())));
        }
        return object.get(key);
    }

    private static boolean isBlank(CharSequence line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                return false;
            }
        }
        return true;
    }
}
