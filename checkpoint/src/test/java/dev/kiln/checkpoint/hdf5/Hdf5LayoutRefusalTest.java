package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.LoadLimits;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The h5py feature files (hdf5_features.py) made hostile where HDF5 1.8 and 1.10 structures are:
 * checksums that no longer match, a link message re-sealed to point back to the root, a filter
 * Kiln does not read, a chunk that inflates to more than its declared size (a compression bomb),
 * a Fletcher-32 checksum that fails, a dataset that would decode to more than 100 times the file.
 * Each is refused with its exact message, within the heap bound of the file's size.
 */
class Hdf5LayoutRefusalTest {
    private static final String LATEST = "features-latest.h5";
    private static final String EARLIEST = "features-earliest.h5";

    @Test
    void anEditedVersion2StructureFailsItsChecksum() throws IOException {
        byte[] bytes = bytes(LATEST);
        bytes[12] ^= 1; // the superblock's base address
        assertEquals(LATEST + ": superblock, superblock checksum at offset 44: " + checksumProblem(bytes, 0, 44, "superblock"),
                message(LATEST, bytes));

        byte[] header = bytes(LATEST);
        int link = link(header, "c0");
        int ohdr = before(header, link, "OHDR");
        header[link] ^= 1;
        long length = ohdrLength(header, ohdr);
        assertEquals(LATEST + ": /compact_links, object header checksum at offset " + (ohdr + length) + ": "
                + checksumProblem(header, ohdr, (int) length, "object header"), message(LATEST, header));
    }

    @Test
    void aLinkResealedToPointBackToTheRootIsALoop() throws IOException {
        byte[] bytes = bytes(LATEST);
        long root = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(36);
        int link = link(bytes, "c0");
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(link + 2, root);
        reseal(bytes, before(bytes, link, "OHDR"));
        assertEquals(LATEST + ": /compact_links/c0, object header address at offset " + root + ": the object at " + root + " is also /;"
                + " allowed: one link per object (hard links to one object, and loops, are not supported)", message(LATEST, bytes));
    }

    @Test
    void aFilterKilnDoesNotReadIsRefusedByNumberAndName() throws IOException {
        byte[] bytes = bytes(EARLIEST);
        int pipeline = indexOf(bytes, new byte[] {1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 8, 0}); // version 1, one filter: deflate, name of 8
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(pipeline + 8, (short) 32000);
        assertEquals(EARLIEST + ": /chunked/gzip, filter 0 at offset " + (pipeline + 8) + ": filter 32000 (LZF) is not supported;"
                + " allowed: 1 (deflate, gzip), 2 (shuffle), 3 (Fletcher-32)", message(EARLIEST, bytes));
    }

    @Test
    void aChunkThatInflatesPastItsDeclaredSizeIsABombNotInflated() throws IOException {
        byte[] bytes = bytes(EARLIEST);
        int layout = chunkLayout(bytes, 10, 8, 4); // /chunked/gzip_shuffle: chunks of 10 x 8 float32
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(layout + 15, 4); // now 10 x 4: half the bytes
        String message = message(EARLIEST, bytes);
        assertTrue(message.matches(EARLIEST.replace(".", "\\.") + ": /chunked/gzip_shuffle, deflate stream at offset \\d+: inflates to more"
                + " than the chunk's 160 bytes; refused as a compression bomb"), message);
    }

    @Test
    void aDamagedChunkFailsItsFletcher32Checksum() throws IOException {
        byte[] bytes = bytes(EARLIEST);
        int layout = chunkLayout(bytes, 6, 4);
        long btree = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(layout + 3);
        long chunk = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong((int) btree + 24 + 24); // leaf: key of 24 bytes, child
        bytes[(int) chunk + 2] ^= 4;
        String message = message(EARLIEST, bytes);
        assertTrue(message.matches(EARLIEST.replace(".", "\\.") + ": /chunked/fletcher32, Fletcher-32 checksum at offset " + chunk
                + ": stored [0-9a-f]{8}, but the chunk's \\d+ bytes sum to [0-9a-f]{8}; allowed: the checksum of the bytes \\(the chunk was"
                + " changed or damaged\\)"), message);
    }

    @Test
    void aDatasetThatWouldDecodeToMoreThanAHundredTimesTheFileIsRefused() throws IOException {
        byte[] bytes = bytes(EARLIEST);
        int dims = indexOf(bytes, new byte[] {1, 1, 1, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 10}); // /chunked/partial: [10], max [10]
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(dims + 8, 100_000_000L).putLong(dims + 16, 100_000_000L);
        String message = message(EARLIEST, bytes);
        assertTrue(message.startsWith(EARLIEST + ": /chunked/partial, chunked data at offset "), message);
        assertTrue(message.endsWith(" bytes, more than 100 times the file's " + bytes.length + "; allowed: at most 100 to 1 (a compression"
                + " bomb?)"), message);
    }

    private static String checksumProblem(byte[] bytes, int at, int length, String what) {
        long stored = Integer.toUnsignedLong(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(at + length));
        long computed = Integer.toUnsignedLong(Lookup3.hash(ByteBuffer.wrap(bytes), at, length));
        return String.format("stored %08x, but the %d bytes from offset %d hash to %08x; allowed: the checksum of the bytes (the %s was"
                + " changed or damaged)", stored, length, at, computed, what);
    }

    /** Where the address of the link message named {@code name} stands, less 2: a name length of one byte, then the name. */
    private static int link(byte[] bytes, String name) {
        byte[] pattern = new byte[name.length() + 1];
        pattern[0] = (byte) name.length();
        System.arraycopy(name.getBytes(), 0, pattern, 1, name.length());
        return indexOf(bytes, pattern) + name.length() - 1;
    }

    /** The length a version 2 object header's checksum covers. */
    private static long ohdrLength(byte[] bytes, int at) {
        int flags = bytes[at + 5] & 0xFF;
        int sizeAt = at + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
        int width = 1 << (flags & 3);
        long size = 0;
        for (int i = width - 1; i >= 0; i--) {
            size = size << 8 | (bytes[sizeAt + i] & 0xFF);
        }
        return sizeAt + width + size - at;
    }

    private static void reseal(byte[] bytes, int ohdr) {
        int length = (int) ohdrLength(bytes, ohdr);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(ohdr + length, Lookup3.hash(ByteBuffer.wrap(bytes), ohdr, length));
    }

    private static int before(byte[] bytes, int at, String signature) {
        for (int i = at; i >= 0; i--) {
            if (Arrays.equals(bytes, i, i + 4, signature.getBytes(), 0, 4)) {
                return i;
            }
        }
        throw new AssertionError(signature + " not found before " + at);
    }

    /** A version 3 chunked layout message (HDF5's default) with the given chunk dimensions and element size. */
    private static int chunkLayout(byte[] bytes, int... dims) {
        for (int i = 0; i + 11 + 4 * dims.length <= bytes.length; i++) {
            if (bytes[i] == 3 && bytes[i + 1] == 2 && bytes[i + 2] == dims.length) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                boolean same = true;
                for (int d = 0; d < dims.length; d++) {
                    same &= buffer.getInt(i + 11 + 4 * d) == dims[d];
                }
                if (same) {
                    return i;
                }
            }
        }
        throw new AssertionError("no chunked layout of " + Arrays.toString(dims));
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new AssertionError("pattern not found");
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = Hdf5LayoutRefusalTest.class.getResourceAsStream("/hdf5/" + name)) {
            return in.readAllBytes();
        }
    }

    private static void readAll(Hdf5Group group) throws CheckpointFormatException {
        for (Hdf5Object child : group.children()) {
            switch (child) {
                case Hdf5Group inner -> readAll(inner);
                case Hdf5Dataset dataset when !dataset.hasData() -> { }
                case Hdf5Dataset dataset when dataset.dtype().isString() -> dataset.readStrings();
                case Hdf5Dataset dataset -> dataset.readDoubles();
            }
        }
    }

    /** The refusal's message, having read every dataset; the refusal may allocate no more than the bound for the file's size. */
    private static String message(String name, byte[] bytes) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        String message = assertThrows(CheckpointFormatException.class, () -> readAll(Hdf5File.read(ByteBuffer.wrap(bytes), name).root()))
                .getMessage();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        long bound = LoadLimits.heapBound(bytes.length, bytes.length);
        assertTrue(allocated <= bound, "allocated " + allocated + " bytes, bound " + bound + ": " + message);
        return message;
    }
}
