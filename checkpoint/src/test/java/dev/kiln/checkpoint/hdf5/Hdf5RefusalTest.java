package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.LoadLimits;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real Keras files made hostile one field at a time (mlp-k2.h5, whose structures the edits find by
 * their signatures): each is refused with a message that names the file, the object, the field,
 * the offset, the value found and what is allowed, allocating no more than LoadLimits.heapBound
 * gives for the file's size. HostileHdf5Files (nlp) edits at random in a 256 MiB heap; here each
 * message is checked word for word.
 */
class Hdf5RefusalTest {
    private static final String NAME = "mlp.h5";
    private static final String KERNEL = "/model_weights/dense_3/dense_3/kernel:0";
    private static byte[] original;

    @BeforeAll
    static void load() throws IOException {
        original = KerasCorpus.bytes("mlp-k2.h5", null);
    }

    @Test
    void aFileCutAnywhereIsRefusedAsTruncated() {
        for (int length = 0; length < original.length; length += 7) {
            byte[] cut = Arrays.copyOf(original, length);
            String message = message(cut);
            assertTrue(message.startsWith(NAME + ": superblock, "), message);
            if (length >= 48) {
                assertEquals(NAME + ": superblock, end of file address at offset 40: the file should be 43632 bytes but has " + length
                        + " (truncated?)", message);
            }
        }
    }

    @Test
    void aBufferIsReadToItsLimitNotItsCapacity() {
        ByteBuffer cut = ByteBuffer.wrap(original).limit(20_000);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Hdf5File.read(cut, NAME));
        assertEquals(NAME + ": superblock, end of file address at offset 40: the file should be 43632 bytes but has 20000 (truncated?)",
                e.getMessage());
    }

    @Test
    void aDimensionOf2To40IsRefusedBeforeAnythingIsAllocated() {
        byte[] bytes = original.clone();
        int dims = indexOf(bytes, le64(100, 64));
        putLong(bytes, dims, 1L << 40);
        assertRefused(KERNEL + ", dataspace dimension 0 at offset " + dims + ": 1099511627776 in shape [1099511627776, 64]; allowed: at"
                + " most 2147483631 (one Java array)", bytes);
        putLong(bytes, dims, 1 << 20);
        putLong(bytes, dims + 8, 1 << 20);
        assertRefused(KERNEL + ", dataspace at offset " + dims + ": shape [1048576, 1048576] has more than 2147483631 elements (one"
                + " Java array)", bytes);
    }

    @Test
    void aShapeThatOutgrowsItsDataIsRefused() {
        byte[] bytes = original.clone();
        putLong(bytes, indexOf(bytes, le64(100, 64)), 100_000);
        assertRefused(KERNEL + ", contiguous data size at offset 7826: 25600 bytes, but [100000, 64] elements of float32 take 25600000",
                bytes);
    }

    @Test
    void aBTreeNodeThatPointsToItselfIsALoopNotAnEndlessWalk() {
        byte[] bytes = original.clone();
        int node = indexOf(bytes, "TREE".getBytes());
        bytes[node + 5] = 1; // level 1: its children are B-tree nodes, and the first one is itself
        putLong(bytes, node + 32, node);
        assertRefused("/, B-tree node at offset " + node + ": node at " + node + " is reached a second time (a loop, or a node two groups"
                + " share); allowed: a tree", bytes);
    }

    @Test
    void aSymbolTableEntryThatLinksBackToTheRootIsRefused() {
        byte[] bytes = original.clone();
        int node = indexOf(bytes, "SNOD".getBytes());
        putLong(bytes, node + 16, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(64)); // entry 0 -> the root's header
        assertRefused("/model_weights, object header address at offset 96: the object at 96 is also /; allowed: one link per object"
                + " (hard links to one object, and loops, are not supported)", bytes);
    }

    @Test
    void lyingLengthFieldsAreRefusedByName() {
        byte[] heap = original.clone();
        int localHeap = indexOf(heap, "HEAP".getBytes());
        putLong(heap, localHeap + 8, 1L << 40);
        assertRefused("/, local heap data address at offset " + (localHeap + 24) + ": address 712 leaves 42920 bytes before the end of"
                + " the file, fewer than the 1099511627776 the structure needs", heap);

        byte[] collection = original.clone();
        int global = indexOf(collection, "GCOL".getBytes());
        collection[global + 11] ^= (byte) 0x80; // bit 31 of the collection's size: one flipped bit, 2 GiB more
        assertRefused("/, attribute \"keras_version\" element 0, global heap collection at offset " + global + ": needs 2147487744 bytes"
                + " but only 41488 remain before the end of the file at 43632 (truncated file?)", collection);

        byte[] header = original.clone();
        putInt(header, 96 + 8, 0x7FFF_0000);
        assertRefused("/, object header at offset 96: needs 2147418128 bytes but only 43536 remain before the end of the file at 43632"
                + " (truncated file?)", header);

        byte[] name = original.clone();
        int attribute = indexOf(name, "model_config\0".getBytes()) - 8;
        name[attribute + 2] = (byte) 0x60;
        name[attribute + 3] = (byte) 0xEA; // name size 60000
        assertRefused("/, attribute name size at offset " + (attribute + 2) + ": 60000 bytes; allowed: 2 to 4097 (a name of 1 to 4096 bytes"
                + " and its NUL)",
                name);
    }

    @Test
    void whatKilnDoesNotReadIsRefusedByName() {
        byte[] version = original.clone();
        version[8] = 4;
        assertEquals(NAME + ": superblock, version at offset 8: version 4; allowed: 0 to 3", message(version));

        byte[] virtual = original.clone();
        int layout = indexOf(virtual, new byte[] {8, 0, 24, 0, 1, 0, 0, 0, 3, 1});
        virtual[layout + 9] = 3;
        assertRefused(KERNEL + ", data layout class at offset " + (layout + 9) + ": virtual datasets (views of other datasets or files) are"
                + " not supported", virtual);

        byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0};
        assertEquals(NAME + ": superblock, signature at offset 0: the file does not start with HDF5's signature 89 48 44 46 0d 0a 1a"
                + " 0a (is it an HDF5 file?)", message(zip));
    }

    private static void assertRefused(String expected, byte[] bytes) {
        assertEquals(NAME + ": " + expected, message(bytes));
    }

    /** The refusal's message; the refusal may allocate no more than {@link LoadLimits#heapBound} allows for the file's size. */
    private static String message(byte[] bytes) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        String message = assertThrows(CheckpointFormatException.class, () -> read(bytes)).getMessage();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        long bound = LoadLimits.heapBound(bytes.length, bytes.length);
        assertTrue(allocated <= bound, "allocated " + allocated + " bytes, bound " + bound + ": " + message);
        return message;
    }

    private static void read(byte[] bytes) throws CheckpointFormatException {
        walk(Hdf5File.read(ByteBuffer.wrap(bytes), NAME).root());
    }

    private static void walk(Hdf5Group group) throws CheckpointFormatException {
        for (Hdf5Object child : group.children()) {
            switch (child) {
                case Hdf5Group inner -> walk(inner);
                case Hdf5Dataset dataset -> dataset.readFloats();
            }
        }
    }

    private static byte[] le64(long... values) {
        ByteBuffer out = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            out.putLong(value);
        }
        return out.array();
    }

    private static void putLong(byte[] bytes, int at, long value) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
    }

    private static void putInt(byte[] bytes, int at, int value) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new AssertionError("pattern not found in mlp-k2.h5");
    }
}
