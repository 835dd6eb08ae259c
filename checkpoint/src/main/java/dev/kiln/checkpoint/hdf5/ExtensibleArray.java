package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;

/**
 * The extensible array chunk index of HDF5 1.10 (HDF5 spec VII.B; a dataset with one unlimited
 * dimension written with {@code libver='latest'}): a header ({@code EAHD}), an index block
 * ({@code EAIB}) holding the first elements and the addresses of the first data blocks
 * ({@code EADB}), each sealed by a checksum. Secondary blocks and paged data blocks (arrays of
 * thousands of chunks) are refused by name.
 */
final class ExtensibleArray {
    private static final int HEADER_BYTES = 72;
    private final FileBytes file;
    private final Location where;
    private final DataLayout layout;
    private final int elementBytes;
    private final boolean filtered;

    ExtensibleArray(FileBytes file, Location where, DataLayout layout, int elementBytes, boolean filtered) {
        this.file = file;
        this.where = where;
        this.layout = layout;
        this.elementBytes = elementBytes;
        this.filtered = filtered;
    }

    /** Reports every element of the array, with its index, to {@code reader}; {@code chunks} bounds the indices. */
    void read(ChunkIndex.ElementReader reader, long chunks) throws CheckpointFormatException {
        String what = "chunk extensible array";
        long header = layout.address();
        file.signature(header, "EAHD", where, what + " header");
        file.require(header, HEADER_BYTES, where, what + " header");
        file.checksum(header, HEADER_BYTES - 4, where, what + " header");
        file.claim(header, HEADER_BYTES, where, what + " header");
        file.expect(header + 4, 0, where, what + " version");
        file.expect(header + 5, filtered ? 1 : 0, where, what + " client");
        if (file.u8(header + 6, where, what + " element size") != elementBytes) {
            throw file.error(where, what + " element size", header + 6, file.u8(header + 6, where, what) + " bytes; allowed: " + elementBytes);
        }
        int maxBits = file.u8(header + 7, where, what + " maximum element bits");
        int indexElements = file.u8(header + 8, where, what + " index block elements");
        int dataMin = file.u8(header + 9, where, what + " data block minimum elements");
        int pointersMin = file.u8(header + 10, where, what + " secondary block minimum data pointers");
        int pageBits = file.u8(header + 11, where, what + " data block page bits");
        if (maxBits < 1 || maxBits > 64 || Integer.bitCount(dataMin) != 1 || Integer.bitCount(pointersMin) != 1 || pageBits > 31) {
            throw file.error(where, what + " header", header, "parameters " + maxBits + ", " + dataMin + ", " + pointersMin + ", " + pageBits
                    + "; allowed: 1 to 64 bits, powers of two, pages of at most 2^31");
        }
        long block = file.address(header + 60, where, what + " index block address");
        if (block == FileBytes.UNDEFINED) {
            return;
        }
        int log2Pointers = Integer.numberOfTrailingZeros(pointersMin);
        int directBlocks = 2 * (pointersMin - 1);
        int superBlocks = 1 + maxBits - Integer.numberOfTrailingZeros(dataMin);
        int secondary = Math.max(0, superBlocks - 2 * log2Pointers);
        long bytes = 14 + (long) indexElements * elementBytes + 8L * directBlocks + 8L * secondary;
        file.signature(block, "EAIB", where, what + " index block");
        file.require(block, bytes + 4, where, what + " index block");
        file.checksum(block, bytes, where, what + " index block");
        file.claim(block, bytes + 4, where, what + " index block");
        if (file.raw64(block + 6, where, what + " index block header address") != header) {
            throw file.error(where, what + " index block header address", block + 6, "names another header than the one at " + header);
        }
        for (int i = 0; i < indexElements && i < chunks; i++) {
            reader.element(block + 14 + (long) i * elementBytes, i);
        }
        long next = indexElements;
        long pointers = block + 14 + (long) indexElements * elementBytes;
        for (int s = 0, d = 0; d < directBlocks; s++) {
            long count = (1L << s / 2);
            long size = (long) dataMin << (s + 1) / 2;
            for (long k = 0; k < count && d < directBlocks; k++, d++) {
                long data = file.address(pointers + 8L * d, where, what + " data block address");
                if (data != FileBytes.UNDEFINED) {
                    dataBlock(reader, what, header, data, next, size, maxBits, pageBits, chunks);
                }
                next += size;
            }
        }
        for (int i = 0; i < secondary; i++) {
            if (file.address(pointers + 8L * directBlocks + 8L * i, where, what + " secondary block address") != FileBytes.UNDEFINED) {
                throw file.error(where, what + " secondary block address", pointers + 8L * directBlocks + 8L * i, "an extensible array"
                        + " with secondary blocks (more chunks than its index block reaches) is not supported");
            }
        }
    }

    private void dataBlock(ChunkIndex.ElementReader reader, String what, long header, long data, long first, long size, int maxBits,
            int pageBits, long chunks) throws CheckpointFormatException {
        if (size > 1L << pageBits) {
            throw file.error(where, what + " data block", data, "a paged data block (of " + size + " elements) is not supported");
        }
        int offsetBytes = (maxBits + 7) / 8;
        long bytes = 14 + offsetBytes + size * elementBytes;
        file.signature(data, "EADB", where, what + " data block");
        file.require(data, bytes + 4, where, what + " data block");
        file.checksum(data, bytes, where, what + " data block");
        file.claim(data, bytes + 4, where, what + " data block");
        if (file.raw64(data + 6, where, what + " data block header address") != header) {
            throw file.error(where, what + " data block header address", data + 6, "names another header than the one at " + header);
        }
        for (long i = 0; i < size && first + i < chunks; i++) {
            reader.element(data + 14 + offsetBytes + i * elementBytes, first + i);
        }
    }
}
