package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The file's global heap (HDF5 spec III.E), where variable-length strings live: each string
 * element names a collection by its address and an object in it by its index. A collection is
 * parsed once, when a string first names it; together the collections parsed and the strings
 * decoded may not exceed the file's size (FileBytes keeps the totals), so strings that many
 * elements share cannot multiply.
 */
final class GlobalHeap {
    private final FileBytes file;
    private final Map<Long, Collection> collections = new HashMap<>();

    /** One collection's objects, sorted by index: where each one's data starts and how long it is. */
    private record Collection(int[] indices, long[] offsets, long[] sizes) {
        /** The position of object {@code index} in the arrays, or a negative number. */
        int find(int index) {
            return Arrays.binarySearch(indices, index);
        }
    }

    GlobalHeap(FileBytes file) {
        this.file = file;
    }

    /** The variable-length string whose 16-byte element stands at {@code at}. */
    String string(long at, Location where, String field) throws CheckpointFormatException {
        long length = file.u32(at, where, field + " length");
        if (length == 0) {
            return "";
        }
        long address = file.raw64(at + 4, where, field + " heap address");
        long index = file.u32(at + 12, where, field + " heap index");
        return string(length, address, index, where, field);
    }

    /** The variable-length string of {@code length} bytes that is object {@code index} of the collection at {@code address}. */
    String string(long length, long address, long index, Location where, String field) throws CheckpointFormatException {
        if (length == 0) {
            return "";
        }
        if (address < 0 || address > file.end() - 16) {
            throw file.error(where, field + " heap address", "address " + Long.toUnsignedString(address) + " leaves no room for a global heap"
                    + " collection in the file of " + file.end() + " bytes");
        }
        Collection collection = collection(address, where, field);
        int found = index > 0xFFFF ? -1 : collection.find((int) index);
        if (found < 0) {
            throw file.error(where, field + " heap index", "object " + index + " is not in the global heap collection at "
                    + address);
        }
        if (length > collection.sizes()[found]) {
            throw file.error(where, field + " length", length + " bytes, but global heap object " + index + " holds only "
                    + collection.sizes()[found]);
        }
        file.spendStrings(length, where, field);
        return file.utf8(collection.offsets()[found], (int) length, where, field);
    }

    private Collection collection(long address, Location where, String field) throws CheckpointFormatException {
        Collection known = collections.get(address);
        if (known != null) {
            return known;
        }
        String what = field + ", global heap collection";
        file.signature(address, "GCOL", where, what);
        file.expect(address + 4, 1, where, what + " version");
        long size = file.u64(address + 8, where, what + " size");
        if (size < 16) {
            throw file.error(where, what + " size", address + 8, size + " bytes; allowed: at least 16");
        }
        file.require(address, size, where, what);
        file.spendHeap(size, where, what, address);
        long end = address + size;
        int capacity = (int) Math.min((size - 16) / 16, 64);
        int[] indices = new int[capacity];
        long[] offsets = new long[capacity];
        long[] sizes = new long[capacity];
        int count = 0;
        for (long at = address + 16; end - at >= 16; ) {
            int index = file.u16(at, where, what + " object index");
            if (index == 0) {
                break; // object 0 is the collection's free space, always last
            }
            long objectSize = file.u64(at + 8, where, what + " object size");
            long data = at + 16;
            if (objectSize > end - data) {
                throw file.error(where, what + " object size", at + 8, "object " + index + " of " + objectSize
                        + " bytes runs past the collection's end at " + end);
            }
            if (count == indices.length) {
                int grown = Math.max(4, 2 * count);
                indices = Arrays.copyOf(indices, grown);
                offsets = Arrays.copyOf(offsets, grown);
                sizes = Arrays.copyOf(sizes, grown);
            }
            indices[count] = index;
            offsets[count] = data;
            sizes[count] = objectSize;
            count++;
            at = data + (objectSize + 7 & ~7L);
        }
        Collection collection = sorted(Arrays.copyOf(indices, count), Arrays.copyOf(offsets, count), Arrays.copyOf(sizes, count),
                where, what, address);
        collections.put(address, collection);
        return collection;
    }

    private Collection sorted(int[] indices, long[] offsets, long[] sizes, Location where, String what, long address)
            throws CheckpointFormatException {
        long[] order = new long[indices.length]; // index in the high half, position in the low half: sorting sorts by index
        for (int i = 0; i < order.length; i++) {
            order[i] = (long) indices[i] << 32 | i;
        }
        Arrays.sort(order);
        int[] sortedIndices = new int[indices.length];
        long[] sortedOffsets = new long[indices.length];
        long[] sortedSizes = new long[indices.length];
        for (int i = 0; i < order.length; i++) {
            int from = (int) order[i];
            sortedIndices[i] = indices[from];
            sortedOffsets[i] = offsets[from];
            sortedSizes[i] = sizes[from];
            if (i > 0 && sortedIndices[i] == sortedIndices[i - 1]) {
                throw file.error(where, what, address, "holds object " + sortedIndices[i] + " twice");
            }
        }
        return new Collection(sortedIndices, sortedOffsets, sortedSizes);
    }
}
