package dev.kiln.nlp.imdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a tar stream entry by entry without extracting it: POSIX ustar headers (name + prefix),
 * GNU long names (type 'L') and large sizes (base-256), and pax extended headers (type 'x',
 * the "path" and "size" records; global 'g' headers are skipped). Every header's checksum is
 * verified. Entries whose data is not read are skipped.
 */
final class TarReader {
    private static final int BLOCK = 512;

    /** One regular file of the archive. */
    record Entry(String name, long size, long offset) {}

    private final InputStream in;
    private final String archive;
    private long position;
    private long pendingData;   // bytes of the current entry's data (plus padding) not yet consumed
    private Entry current;

    TarReader(InputStream in, String archive) {
        this.in = in;
        this.archive = archive;
    }

    /** The next regular file, or null at the end of the archive. */
    Entry next() throws IOException {
        skipPending();
        String longName = null;
        Long paxSize = null;
        while (true) {
            long headerOffset = position;
            byte[] header = readBlock("header", headerOffset);
            if (header == null) {
                return null; // end of stream where a header would start: tolerated as an end marker
            }
            if (isZero(header)) {
                return null; // the end-of-archive marker
            }
            verifyChecksum(header, headerOffset);
            char type = (char) header[156];
            long size = paxSize != null ? paxSize : parseSize(header, headerOffset);
            String name = longName != null ? longName : headerName(header);
            switch (type) {
                case 'L' -> { // GNU: the data is the next entry's name
                    longName = trimNul(new String(readData(size, "GNU long name", headerOffset), StandardCharsets.UTF_8));
                    continue;
                }
                case 'x' -> { // pax: records for the next entry
                    PaxRecords records = PaxRecords.parse(readData(size, "pax header", headerOffset), archive, headerOffset);
                    if (records.path() != null) {
                        longName = records.path();
                    }
                    paxSize = records.size();
                    continue;
                }
                case 'g' -> { // pax global header: nothing Kiln needs
                    readData(size, "pax global header", headerOffset);
                    continue;
                }
                default -> {
                }
            }
            pendingData = padded(size);
            current = new Entry(name, size, headerOffset);
            if (type == '0' || type == '\0' || type == '7') {
                return current;
            }
            skipPending(); // directories, links and others carry no review
            longName = null;
            paxSize = null;
        }
    }

    /** The data of the entry last returned by {@link #next}. */
    byte[] readData() throws IOException {
        if (current == null || pendingData == 0 && current.size() > 0) {
            throw new IllegalStateException("no entry data to read");
        }
        byte[] data = readFully((int) current.size(), "data of " + current.name(), current.offset());
        long padding = padded(current.size()) - current.size();
        skip(padding, current.name());
        pendingData = 0;
        return data;
    }

    private byte[] readData(long size, String what, long headerOffset) throws IOException {
        if (size > 1 << 20) {
            throw new TarFormatException(archive + ": " + what + " at offset " + headerOffset + " claims " + size
                    + " bytes (more than 1 MiB)");
        }
        byte[] data = readFully((int) size, what, headerOffset);
        skip(padded(size) - size, what);
        return data;
    }

    private void skipPending() throws IOException {
        if (pendingData > 0) {
            skip(pendingData, current == null ? "entry" : current.name());
            pendingData = 0;
        }
    }

    private byte[] readBlock(String what, long offset) throws IOException {
        byte[] block = new byte[BLOCK];
        int read = 0;
        while (read < BLOCK) {
            int n = in.read(block, read, BLOCK - read);
            if (n < 0) {
                if (read == 0) {
                    return null;
                }
                throw new TarFormatException(archive + ": truncated tar " + what + " at offset " + offset
                        + " (" + read + " of 512 bytes)");
            }
            read += n;
        }
        position += BLOCK;
        return block;
    }

    private byte[] readFully(int size, String what, long headerOffset) throws IOException {
        byte[] data = new byte[size];
        int read = 0;
        while (read < size) {
            int n = in.read(data, read, size - read);
            if (n < 0) {
                throw new TarFormatException(archive + ": truncated tar entry: " + what + " (header at offset "
                        + headerOffset + ") ends after " + read + " of " + size + " bytes");
            }
            read += n;
        }
        position += size;
        return data;
    }

    private void skip(long bytes, String what) throws IOException {
        long left = bytes;
        byte[] sink = new byte[8192];
        while (left > 0) {
            int n = in.read(sink, 0, (int) Math.min(sink.length, left));
            if (n < 0) {
                throw new TarFormatException(archive + ": truncated tar while skipping " + what + " at offset " + position);
            }
            left -= n;
            position += n;
        }
    }

    private void verifyChecksum(byte[] header, long offset) throws TarFormatException {
        long expected = parseOctal(header, 148, 8, "checksum", offset);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xFF);
        }
        if (sum != expected) {
            throw new TarFormatException(archive + ": bad tar header checksum at offset " + offset + " (stored "
                    + expected + ", computed " + sum + "): not a tar archive, or corrupt");
        }
    }

    private long parseSize(byte[] header, long offset) throws TarFormatException {
        if ((header[124] & 0x80) != 0) { // GNU base-256 for sizes of 8 GiB and more
            long size = header[124] & 0x7F;
            for (int i = 125; i < 136; i++) {
                size = (size << 8) | (header[i] & 0xFF);
            }
            return size;
        }
        return parseOctal(header, 124, 12, "size", offset);
    }

    private long parseOctal(byte[] header, int start, int length, String field, long offset) throws TarFormatException {
        long value = 0;
        int i = start;
        while (i < start + length && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        for (; i < start + length && header[i] != ' ' && header[i] != 0; i++) {
            int digit = header[i] - '0';
            if (digit < 0 || digit > 7) {
                throw new TarFormatException(archive + ": tar header at offset " + offset + ": " + field
                        + " field is not octal");
            }
            value = value * 8 + digit;
        }
        return value;
    }

    private static String headerName(byte[] header) {
        String name = cString(header, 0, 100);
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r';
        boolean posix = ustar && header[262] == 0;
        if (posix) {
            String prefix = cString(header, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    private static String cString(byte[] bytes, int start, int max) {
        int end = start;
        while (end < start + max && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    private static String trimNul(String text) {
        int end = text.indexOf('\0');
        return end < 0 ? text : text.substring(0, end);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }
}
