package dev.kiln.checkpoint.hdf5;

import java.nio.ByteBuffer;

/**
 * Bob Jenkins' lookup3 hash ({@code hashlittle}, initial value 0): the checksum HDF5 1.8 and later
 * store after their version 2 structures (superblock 2 and 3, OHDR headers, fractal heaps, version
 * 2 B-trees, the 1.10 chunk indexes), so an edit to them is found before anything is read from them.
 */
final class Lookup3 {
    private Lookup3() {}

    /** The hash of the {@code length} bytes of {@code bytes} from {@code from}. */
    static int hash(ByteBuffer bytes, int from, int length) {
        return hash(bytes, from, length, -1);
    }

    /** The hash of the {@code length} bytes of {@code bytes} from {@code from}, the 4 at {@code zeroed} (if >= 0) read as zeros. */
    static int hash(ByteBuffer bytes, int from, int length, int zeroed) {
        int a = 0xdeadbeef + length;
        int b = a;
        int c = a;
        int at = from;
        int left = length;
        while (left > 12) {
            a += word(bytes, zeroed, at, 4);
            b += word(bytes, zeroed, at + 4, 4);
            c += word(bytes, zeroed, at + 8, 4);
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
        // The last 1 to 12 bytes, little-endian, the missing ones counting as zero.
        a += word(bytes, zeroed, at, Math.min(left, 4));
        b += left > 4 ? word(bytes, zeroed, at + 4, Math.min(left - 4, 4)) : 0;
        c += left > 8 ? word(bytes, zeroed, at + 8, left - 8) : 0;
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }

    /** Up to 4 bytes from {@code at} as a little-endian int. */
    private static int word(ByteBuffer bytes, int zeroed, int at, int count) {
        int value = 0;
        for (int i = count - 1; i >= 0; i--) {
            int p = at + i;
            value = value << 8 | (zeroed >= 0 && p >= zeroed && p < zeroed + 4 ? 0 : bytes.get(p) & 0xFF);
        }
        return value;
    }
}
