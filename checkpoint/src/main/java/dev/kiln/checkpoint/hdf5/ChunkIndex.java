package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The chunks of a chunked dataset, read from its index when the file is opened (HDF5 spec
 * IV.A.2.i, III.A.1, VII): a version 1 B-tree (layout version 3, HDF5's default), or one of HDF5
 * 1.10's indexes: a single chunk, implicit (chunks in order, allocated early), a fixed array
 * (paged or not) or a version 2 B-tree. Extensible arrays (one unlimited dimension with
 * {@code libver='latest'}) are read when all their chunks are in the index block or its data
 * blocks. Each chunk must lie inside the file, start on a chunk boundary inside the dataset,
 * appear once, and share no bytes with any other structure (it is claimed).
 */
final class ChunkIndex {
    /** One stored chunk: the element offsets of its first element, where its bytes are, and which filters were skipped. */
    record Chunk(long[] offset, long address, long size, long filterMask) {}

    private final FileBytes file;
    private final Location where;
    private final DataLayout layout;
    private final long[] dims;
    private final long[] chunk;
    private final long[] grid; // chunks per dimension
    private final long[] maxima; // maximum dimensions, -1 for unlimited
    private final long chunkBytes;
    private final boolean filtered;
    private final Set<Long> seen = new HashSet<>();
    private final List<Chunk> chunks = new ArrayList<>();

    private ChunkIndex(FileBytes file, Location where, DataLayout layout, long[] dims, long[] maxima, long chunkBytes, boolean filtered) {
        this.file = file;
        this.maxima = maxima;
        this.where = where;
        this.layout = layout;
        this.dims = dims;
        this.chunk = layout.chunk();
        this.grid = new long[dims.length];
        for (int d = 0; d < dims.length; d++) {
            grid[d] = (dims[d] + chunk[d] - 1) / chunk[d];
        }
        this.chunkBytes = chunkBytes;
        this.filtered = filtered;
    }

    /** The stored chunks of a dataset of {@code dims} whose chunks take {@code chunkBytes} bytes each, unfiltered. */
    static List<Chunk> read(FileBytes file, Location where, DataLayout layout, long[] dims, long[] maxima, long chunkBytes, boolean filtered,
            int chunkK) throws CheckpointFormatException {
        ChunkIndex index = new ChunkIndex(file, where, layout, dims, maxima, chunkBytes, filtered);
        if (layout.address() != FileBytes.UNDEFINED) {
            switch (layout.index()) {
                case DataLayout.BTREE1 -> index.btree1(chunkK);
                case DataLayout.SINGLE_CHUNK -> index.add(new long[dims.length], layout.address(), filtered ? layout.filteredSize()
                        : chunkBytes, layout.filterMask(), layout.at());
                case DataLayout.IMPLICIT -> index.implicit();
                case DataLayout.FIXED_ARRAY -> index.fixedArray();
                case DataLayout.BTREE2 -> index.btree2();
                default -> index.extensibleArray();
            }
        }
        return index.chunks;
    }

    /** Bytes of a filtered chunk's size field in the 1.10 indexes: enough for the chunk's size and one more byte, at most 8. */
    private int chunkSizeBytes() {
        return Math.min(8, 1 + ((63 - Long.numberOfLeadingZeros(Math.max(chunkBytes, 1))) + 8) / 8);
    }

    /** Version 1 B-tree of type 1: keys hold each chunk's stored size, filter mask and offsets; leaves point to chunks. */
    private void btree1(int chunkK) throws CheckpointFormatException {
        int dimensionality = dims.length + 1;
        long keyBytes = 8 + 8L * dimensionality;
        Set<Long> visited = new HashSet<>();
        ArrayDeque<long[]> stack = new ArrayDeque<>();
        stack.push(new long[] {layout.address(), -1});
        while (!stack.isEmpty()) {
            long[] next = stack.pop();
            long node = next[0];
            if (!visited.add(node)) {
                throw file.error(where, "chunk B-tree node", node, "node at " + node + " is reached a second time (a loop); allowed: a tree");
            }
            file.signature(node, "TREE", where, "chunk B-tree node");
            int type = file.u8(node + 4, where, "chunk B-tree node type");
            if (type != 1) {
                throw file.error(where, "chunk B-tree node type", node + 4, "type " + type + "; allowed: 1 (a chunk index)");
            }
            int level = file.u8(node + 5, where, "chunk B-tree node level");
            if (next[1] >= 0 && level != next[1]) {
                throw file.error(where, "chunk B-tree node level", node + 5, "level " + level + " below a node of level " + (next[1] + 1)
                        + "; allowed: " + next[1]);
            }
            int entries = file.u16(node + 6, where, "chunk B-tree node entry count");
            if (entries > 2 * chunkK) {
                throw file.error(where, "chunk B-tree node entry count", node + 6, entries + " entries; allowed: at most " + 2 * chunkK
                        + " (twice the chunk B-tree's K)");
            }
            long bytes = 24 + entries * (keyBytes + 8) + keyBytes;
            file.require(node, bytes, where, "chunk B-tree node");
            file.claim(node, bytes, where, "chunk B-tree node");
            for (int i = entries - 1; i >= 0; i--) {
                long key = node + 24 + i * (keyBytes + 8);
                long child = key + keyBytes;
                if (level == 0) {
                    long size = file.u32(key, where, "chunk size");
                    long mask = file.u32(key + 4, where, "chunk filter mask");
                    long[] offset = new long[dims.length];
                    for (int d = 0; d < dims.length; d++) {
                        offset[d] = file.u64(key + 8 + 8L * d, where, "chunk offset " + d);
                    }
                    add(offset, file.definedAddress(child, 0, where, "chunk address"), size, mask, key);
                } else {
                    stack.push(new long[] {file.definedAddress(child, 24, where, "chunk B-tree child address"), level - 1});
                }
            }
        }
    }

    /** Implicit: every chunk of the grid, unfiltered, one after the other from the index address. */
    private void implicit() throws CheckpointFormatException {
        long count = maxChunkCount();
        if (filtered) {
            throw file.error(where, "chunk index type", layout.at(), "an implicit index of filtered chunks; allowed: unfiltered ones");
        }
        if (count > (file.end() - layout.address()) / chunkBytes) {
            throw file.error(where, "implicit chunks", layout.address(), count + " chunks of " + chunkBytes + " bytes do not fit in the"
                    + " file's " + file.end() + " bytes");
        }
        for (long i = 0; i < count; i++) {
            long[] offset = scaled(i);
            if (inside(offset)) { // storage is allocated for the maximum dimensions; only chunks inside the current ones are read
                add(offset, layout.address() + i * chunkBytes, chunkBytes, 0, layout.at());
            }
        }
    }

    /** A fixed array: header {@code FAHD}, data block {@code FADB}, its elements in pages of 2^page bits when there are more. */
    private void fixedArray() throws CheckpointFormatException {
        long header = layout.address();
        String what = "chunk fixed array";
        file.signature(header, "FAHD", where, what + " header");
        file.require(header, 28, where, what + " header");
        file.checksum(header, 24, where, what + " header");
        file.claim(header, 28, where, what + " header");
        file.expect(header + 4, 0, where, what + " version");
        file.expect(header + 5, filtered ? 1 : 0, where, what + " client");
        int elementBytes = file.u8(header + 6, where, what + " element size");
        int expected = filtered ? 8 + chunkSizeBytes() + 4 : 8;
        if (elementBytes != expected) {
            throw file.error(where, what + " element size", header + 6, elementBytes + " bytes; allowed: " + expected);
        }
        int pageBits = file.u8(header + 7, where, what + " page bits");
        long entries = file.u64(header + 8, where, what + " entry count");
        if (entries > maxChunkCount() || pageBits > 31 || pageBits == 0) {
            throw file.error(where, what + " entry count", header + 8, entries + " entries with pages of 2^" + pageBits + "; allowed: at most"
                    + " the dataset's " + maxChunkCount() + " chunks, pages of 2^1 to 2^31");
        }
        if (entries > file.end()) {
            throw file.error(where, what + " entry count", header + 8, entries + " entries; allowed: at most the file's " + file.end()
                    + " bytes");
        }
        long block = file.definedAddress(header + 16, 0, where, what + " data block address");
        file.signature(block, "FADB", where, what + " data block");
        file.expect(block + 4, 0, where, what + " data block version");
        if (file.raw64(block + 6, where, what + " data block header address") != header) {
            throw file.error(where, what + " data block header address", block + 6, "names another header than the one at " + header);
        }
        long pageSize = 1L << pageBits;
        long pages = entries > pageSize ? (entries + pageSize - 1) / pageSize : 0;
        long bitmap = (pages + 7) / 8;
        long prefix = 14 + bitmap;
        if (pages == 0) {
            file.require(block, prefix + entries * elementBytes + 4, where, what + " data block");
            file.checksum(block, prefix + entries * elementBytes, where, what + " data block");
            file.claim(block, prefix + entries * elementBytes + 4, where, what + " data block");
            for (long i = 0; i < entries; i++) {
                element(block + prefix + i * elementBytes, i);
            }
            return;
        }
        file.require(block, prefix + 4, where, what + " data block");
        file.checksum(block, prefix, where, what + " data block");
        file.claim(block, prefix + 4, where, what + " data block");
        long page = block + prefix + 4;
        for (long p = 0; p < pages; p++) {
            long count = Math.min(pageSize, entries - p * pageSize);
            boolean initialized = (file.u8(block + 14 + p / 8, where, what + " page bitmap") & (0x80 >>> (p % 8))) != 0;
            if (initialized) {
                file.require(page, count * elementBytes + 4, where, what + " page");
                file.checksum(page, count * elementBytes, where, what + " page");
                file.claim(page, count * elementBytes + 4, where, what + " page");
                for (long i = 0; i < count; i++) {
                    element(page + i * elementBytes, p * pageSize + i);
                }
            }
            page += count * elementBytes + 4;
        }
    }

    /** An element of a fixed or extensible array: an address, and for filtered chunks the stored size and filter mask. */
    private void element(long at, long index) throws CheckpointFormatException {
        long address = file.address(at, where, "chunk address");
        if (address == FileBytes.UNDEFINED) {
            return; // never written: reads as the fill value
        }
        long size = filtered ? file.unsigned(at + 8, chunkSizeBytes(), where, "chunk size") : chunkBytes;
        long mask = filtered ? file.u32(at + 8 + chunkSizeBytes(), where, "chunk filter mask") : 0;
        add(scaled(index), address, size, mask, at);
    }

    /** A version 2 B-tree of records type 10 (address, scaled offsets) or 11 (address, size, filter mask, scaled offsets). */
    private void btree2() throws CheckpointFormatException {
        int type = filtered ? BTree2.FILTERED_CHUNKS : BTree2.CHUNKS;
        BTree2 tree = new BTree2(file, layout.address(), type, where, "chunk B-tree");
        int sizeBytes = filtered ? chunkSizeBytes() : 0;
        int offsets = 8 + (filtered ? sizeBytes + 4 : 0);
        if (tree.recordSize() != offsets + 8 * dims.length) {
            throw file.error(where, "chunk B-tree record size", layout.address() + 10, tree.recordSize() + " bytes; allowed: "
                    + (offsets + 8 * dims.length));
        }
        for (long record : tree.records()) {
            long[] offset = new long[dims.length];
            for (int d = 0; d < dims.length; d++) {
                long scaled = file.u64(record + offsets + 8L * d, where, "chunk scaled offset " + d);
                offset[d] = scaled > Long.MAX_VALUE / chunk[d] ? Long.MAX_VALUE : scaled * chunk[d];
            }
            add(offset, file.definedAddress(record, 0, where, "chunk address"), filtered ? file.unsigned(record + 8, sizeBytes, where,
                    "chunk size") : chunkBytes, filtered ? file.u32(record + 8 + sizeBytes, where, "chunk filter mask") : 0, record);
        }
    }

    /** An extensible array: only its index block's elements and direct data blocks are read; secondary blocks are refused. */
    private void extensibleArray() throws CheckpointFormatException {
        new ExtensibleArray(file, where, layout, filtered ? 8 + chunkSizeBytes() + 4 : 8, filtered).read(this::element, Long.MAX_VALUE);
    }

    /** Checks one chunk and adds it. */
    private void add(long[] offset, long address, long size, long mask, long at) throws CheckpointFormatException {
        long linear = 0;
        for (int d = 0; d < dims.length; d++) {
            if (offset[d] % chunk[d] != 0 || offset[d] >= dims[d]) {
                throw file.error(where, "chunk offset " + d, at, offset[d] + "; allowed: a multiple of the chunk's " + chunk[d] + " below the"
                        + " dataset's " + dims[d]);
            }
            linear = linear * grid[d] + offset[d] / chunk[d];
        }
        if (!seen.add(linear)) {
            throw file.error(where, "chunk", at, "a second chunk at offset " + java.util.Arrays.toString(offset) + "; allowed: one");
        }
        long limit = filtered ? chunkBytes + chunkBytes / 16 + 1024 : chunkBytes;
        if (size == 0 || size > limit || !filtered && size != chunkBytes) {
            throw file.error(where, "chunk size", at, size + " bytes; allowed: " + (filtered ? "1 to " + limit + " (the chunk's " + chunkBytes
                    + " bytes, and what compression may add)" : chunkBytes));
        }
        file.require(address, size, where, "chunk");
        file.claim(address, size, where, "chunk");
        chunks.add(new Chunk(offset, address, size, mask));
    }

    /**
     * The element offsets of chunk {@code index} of a fixed array, an extensible array or an
     * implicit index: HDF5 numbers chunks in row-major order of the grid the maximum dimensions
     * give, the one unlimited dimension (extensible arrays) moved first.
     */
    private long[] scaled(long index) throws CheckpointFormatException {
        int rank = dims.length;
        int unlimited = -1;
        for (int d = 0; d < rank; d++) {
            if (maxima[d] == -1) {
                if (unlimited >= 0 || layout.index() != DataLayout.EXTENSIBLE_ARRAY) {
                    throw file.error(where, "chunk index type", layout.at(), "dimension " + d + " is unlimited; allowed: one unlimited"
                            + " dimension with an extensible array index, none with the others");
                }
                unlimited = d;
            }
        }
        int[] order = new int[rank]; // the unlimited dimension first, then the others in order
        for (int d = 0, next = unlimited >= 0 ? 1 : 0; d < rank; d++) {
            if (d == unlimited) {
                order[0] = d;
            } else {
                order[next++] = d;
            }
        }
        long[] offset = new long[rank];
        long rest = index;
        for (int i = rank - 1; i >= 0; i--) {
            int d = order[i];
            if (i == 0 && unlimited >= 0) {
                offset[d] = rest > Long.MAX_VALUE / chunk[d] ? Long.MAX_VALUE : rest * chunk[d];
                rest = 0;
            } else {
                long chunks = maxima[d] / chunk[d] + (maxima[d] % chunk[d] == 0 ? 0 : 1);
                if (chunks == 0) {
                    throw file.error(where, "chunk index", layout.address(), "chunk " + index + " of a dataset with no chunks");
                }
                offset[d] = rest % chunks * chunk[d];
                rest /= chunks;
            }
        }
        if (rest != 0) {
            throw file.error(where, "chunk index", layout.address(), "chunk " + index + " lies past the dataset's maximum dimensions");
        }
        return offset;
    }

    /** The number of chunks the maximum dimensions allow (fixed arrays and implicit indexes are that long), at most 2^62. */
    private long maxChunkCount() {
        long count = 1;
        for (int d = 0; d < dims.length; d++) {
            long chunks = maxima[d] == -1 ? Long.MAX_VALUE : maxima[d] / chunk[d] + (maxima[d] % chunk[d] == 0 ? 0 : 1);
            count = chunks == 0 ? 0 : Math.min(1L << 62, Math.multiplyHigh(count, chunks) != 0 ? 1L << 62 : count * chunks);
            if (count == 0) {
                return 0;
            }
        }
        return count;
    }

    private boolean inside(long[] offset) {
        for (int d = 0; d < dims.length; d++) {
            if (offset[d] >= dims[d]) {
                return false;
            }
        }
        return true;
    }

    /** How an array index reports one element. */
    @FunctionalInterface
    interface ElementReader {
        void element(long at, long index) throws CheckpointFormatException;
    }
}
