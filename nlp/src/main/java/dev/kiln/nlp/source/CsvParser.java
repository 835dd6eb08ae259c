package dev.kiln.nlp.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RFC 4180 records: fields separated by a delimiter (',' or a tab); a field that starts with a
 * quote is quoted, may hold the delimiter, quotes written twice ("") and line breaks (kept as
 * written), and must be followed by a delimiter, a line break or the end of the file. A quote
 * inside an unquoted field is an ordinary character. Records end at LF, CRLF or CR. Blank lines
 * (nothing between two line breaks) are no records and are skipped. A record longer than
 * {@link #MAX_RECORD_CHARS} is refused, so an unterminated quote cannot fill the heap.
 */
final class CsvParser {
    /** The longest record read, in chars: 16 Mi (32 MiB of heap). */
    static final int MAX_RECORD_CHARS = 1 << 24;

    private final Utf8Input in;
    private final char delimiter;
    private final StringBuilder field = new StringBuilder();
    private long recordLine;
    private int recordChars;

    CsvParser(Utf8Input in, char delimiter) {
        this.in = in;
        this.delimiter = delimiter;
    }

    /** The fields of the next record, or null at the end of the file. */
    List<String> next() throws IOException {
        int c;
        do {
            recordLine = in.line();
            c = in.read();
        } while (c == '\n' || c == '\r');
        if (c < 0) {
            return null;
        }
        recordChars = 0;
        List<String> fields = new ArrayList<>();
        while (true) {
            field.setLength(0);
            c = c == '"' ? quoted(fields.size()) : unquoted(c);
            fields.add(field.toString());
            if (c != delimiter) {
                return fields; // a line break or the end of the file
            }
            c = in.read();
        }
    }

    /** The physical line (1-based) where the record last returned starts. */
    long recordLine() {
        return recordLine;
    }

    /** Reads an unquoted field that starts with {@code c}; returns the char after it. */
    private int unquoted(int c) throws IOException {
        while (c != delimiter && c != '\n' && c != '\r' && c >= 0) {
            append(c);
            c = in.read();
        }
        return c;
    }

    /** Reads a quoted field whose opening quote is read; returns the char after the closing quote. */
    private int quoted(int column) throws IOException {
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new TextSourceException(where(column) + "the quoted field that starts here never ends (the file ends"
                        + " inside it); a quote inside a quoted field is written twice (\"\")");
            }
            if (c == '"') {
                int after = in.read();
                if (after != '"') {
                    if (after != delimiter && after != '\n' && after != '\r' && after >= 0) {
                        throw new TextSourceException(where(column) + shown(after) + " after the closing quote of a quoted"
                                + " field; a quote inside a quoted field is written twice (\"\"), as in \"say \"\"hi\"\"\"");
                    }
                    return after;
                }
            }
            append(c);
        }
    }

    private void append(int c) throws TextSourceException {
        if (++recordChars > MAX_RECORD_CHARS) {
            throw new TextSourceException(in.file() + ": line " + recordLine + ": the record that starts here is longer than "
                    + Records.grouped(MAX_RECORD_CHARS) + " characters (a quote never closed?)");
        }
        field.append((char) c);
    }

    private String where(int column) {
        return in.file() + ": line " + recordLine + ", column " + column + " (0-based): ";
    }

    /** A char as an error shows it: 'x', or U+0007 for an invisible one. */
    static String shown(int c) {
        return Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSurrogate((char) c)
                ? String.format(Locale.ROOT, "U+%04X", c) : "'" + (char) c + "'";
    }
}
