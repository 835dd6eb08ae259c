package dev.kiln.nlp.source;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A file's text, decoded from UTF-8 one char at a time with the byte offset and physical line of
 * what it reads, so every reader's errors can say where. Lines end at LF, CRLF or CR. A leading
 * byte-order mark is dropped. A file that starts with gzip's magic bytes can be decompressed on
 * the fly (offsets then count the decompressed bytes). Decoding is strict (the well-formed UTF-8 of
 * Unicode's table 3-7: no overlong forms, surrogates or values past U+10FFFF) or replaces each
 * maximal invalid subpart with U+FFFD, as the JDK's decoder does.
 */
final class Utf8Input implements Closeable {
    private static final int REPLACEMENT = 0xFFFD;

    private final InputStream in;
    private final String file;
    private final Decoding decoding;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private long bufferStart;      // the offset of buffer[0] in the (decompressed) text
    private int pendingLow = -1;   // the low surrogate of a supplementary code point, returned next
    private long line = 1;
    private boolean afterCr;
    private boolean started;

    private Utf8Input(InputStream in, String file, Decoding decoding) {
        this.in = in;
        this.file = file;
        this.decoding = decoding;
    }

    /** Opens {@code path}, decompressing it when {@code gunzip} and it starts as gzip does; {@code file} names it in errors. */
    static Utf8Input open(Path path, String file, Decoding decoding, boolean gunzip) throws IOException {
        if (Files.isDirectory(path)) {
            throw new TextSourceException(file + ": a folder, where a file is expected");
        }
        InputStream raw;
        try {
            raw = Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new TextSourceException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new TextSourceException(file + ": not readable (permission denied)");
        }
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        try {
            buffered.mark(2);
            boolean gzip = gunzip && buffered.read() == 0x1f && buffered.read() == 0x8b;
            buffered.reset();
            return new Utf8Input(gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered, file, decoding);
        } catch (IOException e) {
            buffered.close();
            throw streamError(file, e);
        }
    }

    /** Decodes text already in memory. */
    static Utf8Input of(InputStream in, String file, Decoding decoding) {
        return new Utf8Input(in, file, decoding);
    }

    /** The next char (a supplementary code point comes as its two surrogates), or -1 at the end. */
    int read() throws IOException {
        if (pendingLow >= 0) {
            int low = pendingLow;
            pendingLow = -1;
            return low;
        }
        int c = codePoint();
        if (!started) {
            started = true;
            if (c == 0xFEFF) {
                c = codePoint();
            }
        }
        if (c == '\r') {
            line++;
        } else if (c == '\n' && !afterCr) {
            line++;
        }
        afterCr = c == '\r';
        if (c >= 0x10000) {
            pendingLow = Character.lowSurrogate(c);
            return Character.highSurrogate(c);
        }
        return c;
    }

    /** The physical line (1-based) of the next char. */
    long line() {
        return line;
    }

    /** The file as errors name it. */
    String file() {
        return file;
    }

    /** The whole rest of the text, or its first {@code maxCodePoints} code points (-1: all); bytes past the cut are not read. */
    String readText(int maxCodePoints) throws IOException {
        StringBuilder text = new StringBuilder();
        int codePoints = 0;
        while (maxCodePoints < 0 || codePoints < maxCodePoints) {
            int c = read();
            if (c < 0) {
                break;
            }
            text.append((char) c);
            if (!Character.isHighSurrogate((char) c)) {
                codePoints++;
            } else {
                text.append((char) read());
                codePoints++;
            }
        }
        return text.toString();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** The next code point, U+FFFD for a malformed sequence when replacing, or -1 at the end. */
    private int codePoint() throws IOException {
        int first = nextByte();
        if (first < 0x80) {
            return first; // ASCII, or -1
        }
        long start = bufferStart + position - 1;
        int continuations;
        int value;
        if (first >= 0xC2 && first <= 0xDF) {
            continuations = 1;
            value = first & 0x1F;
        } else if (first >= 0xE0 && first <= 0xEF) {
            continuations = 2;
            value = first & 0x0F;
        } else if (first >= 0xF0 && first <= 0xF4) {
            continuations = 3;
            value = first & 0x07;
        } else {
            return malformed(start, new int[] {first}, 1, -2);
        }
        int[] seen = {first, 0, 0, 0};
        for (int k = 1; k <= continuations; k++) {
            int next = peekByte();
            // The second byte's range is narrower after E0, ED, F0 and F4 (no overlongs, surrogates or > U+10FFFF).
            int low = k > 1 ? 0x80 : first == 0xE0 ? 0xA0 : first == 0xF0 ? 0x90 : 0x80;
            int high = k > 1 ? 0xBF : first == 0xED ? 0x9F : first == 0xF4 ? 0x8F : 0xBF;
            if (next < low || next > high) {
                return malformed(start, seen, k, next);
            }
            position++;
            seen[k] = next;
            value = value << 6 | next & 0x3F;
        }
        return value;
    }

    /** U+FFFD, or the strict error: the {@code count} bytes {@code seen} at {@code start}, then {@code next} (-1 the end, -2 none). */
    private int malformed(long start, int[] seen, int count, int next) throws TextSourceException {
        if (decoding == Decoding.REPLACE) {
            return REPLACEMENT;
        }
        StringBuilder bytes = new StringBuilder();
        for (int k = 0; k < count; k++) {
            bytes.append(k == 0 ? "" : " ").append("0x").append(HexFormat.of().withUpperCase().toHexDigits((byte) seen[k]));
        }
        String found = switch (next) {
            case -2 -> bytes.toString();
            case -1 -> bytes + ", then the end of the file";
            default -> bytes + " 0x" + HexFormat.of().withUpperCase().toHexDigits((byte) next);
        };
        throw new TextSourceException(file + ": line " + line + ": not UTF-8 at byte offset " + start + " (" + found
                + "); save the file as UTF-8, or read it with Decoding.REPLACE to get U+FFFD in place of such bytes");
    }

    private int nextByte() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xFF;
    }

    private int peekByte() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position] & 0xFF;
    }

    private boolean fill() throws IOException {
        bufferStart += limit;
        position = 0;
        limit = 0;
        int n;
        try {
            n = in.read(buffer, 0, buffer.length);
        } catch (IOException e) {
            throw streamError(file, e);
        }
        if (n <= 0) {
            return false;
        }
        limit = n;
        return true;
    }

    private static TextSourceException streamError(String file, IOException e) {
        if (e instanceof TextSourceException known) {
            return known;
        }
        if (e instanceof EOFException) {
            return new TextSourceException(file + ": the gzip data ends early (a truncated file?)");
        }
        if (e instanceof ZipException) {
            return new TextSourceException(file + ": corrupt gzip data (" + e.getMessage() + ")");
        }
        return new TextSourceException(file + ": cannot be read (" + e.getMessage() + ")");
    }
}
