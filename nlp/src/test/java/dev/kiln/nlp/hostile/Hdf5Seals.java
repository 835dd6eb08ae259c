package dev.kiln.nlp.hostile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The checksums of an HDF5 file's version 2 structures (superblock 2 and 3, OHDR and OCHK
 * headers, fractal heaps and their blocks, version 2 B-trees, the 1.10 chunk indexes), found in
 * the original file, so that an edited copy can be re-sealed: every checksum recomputed, and the
 * edit reaches past the checksum into the code that reads the structure. A structure is found by
 * its signature and its checksummed length by its own fields, or by trying lengths until the
 * stored checksum matches (this test's own Jenkins lookup3, independent of the reader's).
 */
final class Hdf5Seals {
    private static final String[] SIGNATURES = {"OHDR", "OCHK", "FRHP", "FHIB", "FHDB", "BTHD", "BTIN", "BTLF", "FAHD", "FADB", "EAHD",
        "EAIB", "EADB"};
    private static final int MAX_TRIED_LENGTH = 4096;

    /** One seal: the checksum of {@code length} bytes from {@code at} (the 4 at {@code zeroed} read as zeros, if >= 0) follows them, or stands at {@code zeroed}. */
    record Seal(int at, int length, int zeroed) {}

    private final List<Seal> seals;

    private Hdf5Seals(List<Seal> seals) {
        this.seals = seals;
    }

    /** The seals of {@code original}, an unedited file. */
    static Hdf5Seals of(byte[] original) {
        List<Seal> seals = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
        if (original.length >= 48 && (original[8] == 2 || original[8] == 3) && matches(original, 0, 44, -1, buffer.getInt(44))) {
            seals.add(new Seal(0, 44, -1));
        }
        for (int at = 0; at + 8 <= original.length; at++) {
            for (String signature : SIGNATURES) {
                if (Arrays.equals(original, at, at + 4, signature.getBytes(), 0, 4)) {
                    Seal seal = find(original, buffer, at, signature);
                    if (seal != null) {
                        seals.add(seal);
                    }
                }
            }
        }
        return new Hdf5Seals(List.copyOf(seals));
    }

    /** How many structures were found sealed. */
    int count() {
        return seals.size();
    }

    /** Recomputes every checksum of {@code edited} (a copy of the original, perhaps cut short: seals past its end are skipped). */
    void reseal(byte[] edited) {
        ByteBuffer buffer = ByteBuffer.wrap(edited).order(ByteOrder.LITTLE_ENDIAN);
        for (Seal seal : seals) {
            int checksumAt = seal.zeroed() >= 0 ? seal.zeroed() : seal.at() + seal.length();
            if (seal.at() + seal.length() <= edited.length && checksumAt + 4 <= edited.length) {
                buffer.putInt(checksumAt, lookup3(edited, seal.at(), seal.length(), seal.zeroed()));
            }
        }
    }

    private static Seal find(byte[] bytes, ByteBuffer buffer, int at, String signature) {
        int known = switch (signature) {
            case "OHDR" -> ohdrLength(bytes, at);
            case "FRHP" -> 142;
            case "BTHD" -> 34;
            case "FAHD" -> 24;
            case "EAHD" -> 68;
            default -> -1;
        };
        if (known > 0) {
            return at + known + 4 <= bytes.length && matches(bytes, at, known, -1, buffer.getInt(at + known)) ? new Seal(at, known, -1) : null;
        }
        if (signature.equals("FHDB")) { // the checksum stands inside the block, after the block offset, and counts as zeros
            for (int offsetBytes = 1; offsetBytes <= 8; offsetBytes++) {
                int checksumAt = at + 13 + offsetBytes;
                for (int size = 64; size <= 1 << 20 && at + size <= bytes.length && checksumAt + 4 <= bytes.length; size *= 2) {
                    if (matches(bytes, at, size, checksumAt, buffer.getInt(checksumAt))) {
                        return new Seal(at, size, checksumAt);
                    }
                }
            }
            return null;
        }
        for (int length = 8; length <= MAX_TRIED_LENGTH && at + length + 4 <= bytes.length; length++) {
            if (matches(bytes, at, length, -1, buffer.getInt(at + length))) {
                return new Seal(at, length, -1);
            }
        }
        return null;
    }

    private static int ohdrLength(byte[] bytes, int at) {
        int flags = bytes[at + 5] & 0xFF;
        int sizeAt = at + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
        int width = 1 << (flags & 3);
        if (sizeAt + width > bytes.length) {
            return -1;
        }
        long size = 0;
        for (int i = width - 1; i >= 0; i--) {
            size = size << 8 | (bytes[sizeAt + i] & 0xFF);
        }
        long length = sizeAt + width + size - at;
        return length > 0 && at + length + 4 <= bytes.length ? (int) length : -1;
    }

    private static boolean matches(byte[] bytes, int at, int length, int zeroed, int stored) {
        return lookup3(bytes, at, length, zeroed) == stored;
    }

    /** Jenkins' lookup3 (hashlittle, initial value 0), as HDF5 computes its checksums. */
    static int lookup3(byte[] bytes, int from, int length, int zeroed) {
        int a = 0xdeadbeef + length;
        int b = a;
        int c = a;
        int at = from;
        int left = length;
        while (left > 12) {
            a += word(bytes, at, 4, zeroed);
            b += word(bytes, at + 4, 4, zeroed);
            c += word(bytes, at + 8, 4, zeroed);
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            at += 12;
            left -= 12;
        }
        if (left == 0) {
            return c;
        }
        a += word(bytes, at, Math.min(left, 4), zeroed);
        if (left > 4) {
            b += word(bytes, at + 4, Math.min(left - 4, 4), zeroed);
        }
        if (left > 8) {
            c += word(bytes, at + 8, left - 8, zeroed);
        }
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }

    private static int word(byte[] bytes, int at, int count, int zeroed) {
        int value = 0;
        for (int i = count - 1; i >= 0; i--) {
            int p = at + i;
            value = value << 8 | (zeroed >= 0 && p >= zeroed && p < zeroed + 4 ? 0 : bytes[p] & 0xFF);
        }
        return value;
    }
}
