package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A version 2 B-tree (HDF5 spec III.A.2): a header ({@code BTHD}), internal nodes ({@code BTIN})
 * and leaves ({@code BTLF}), each sealed by a checksum. Kiln only lists every record (the caller
 * decodes them at the offsets given): the walk uses an explicit stack, checks each node's depth,
 * record count and checksum, and refuses a node reached twice.
 */
final class BTree2 {
    /** Record types Kiln reads. */
    static final int HUGE_OBJECTS = 1;
    static final int LINK_NAME = 5;
    static final int ATTRIBUTE_NAME = 8;
    static final int CHUNKS = 10;
    static final int FILTERED_CHUNKS = 11;
    private static final int MAX_DEPTH = 16;
    private static final int PREFIX = 6; // signature, version, type
    private static final int HEADER_BYTES = 38;

    private final FileBytes file;
    private final Location where;
    private final String what;
    private final int recordSize;
    private final long nodeSize;
    private final long[] maxRecords;
    private final int[] countBytes;
    private final int[] totalBytes;
    private final long root;
    private final int rootRecords;
    private final int depth;

    /** Reads the header at {@code address}, of type {@code type}; {@code what} names the tree in errors. */
    BTree2(FileBytes file, long address, int type, Location where, String what) throws CheckpointFormatException {
        this.file = file;
        this.where = where;
        this.what = what;
        file.signature(address, "BTHD", where, what + " header");
        file.require(address, HEADER_BYTES, where, what + " header");
        file.checksum(address, HEADER_BYTES - 4, where, what + " header");
        file.claim(address, HEADER_BYTES, where, what + " header");
        file.expect(address + 4, 0, where, what + " version");
        file.expect(address + 5, type, where, what + " record type");
        nodeSize = file.u32(address + 6, where, what + " node size");
        recordSize = file.u16(address + 10, where, what + " record size");
        depth = file.u16(address + 12, where, what + " depth");
        root = file.address(address + 16, where, what + " root node address");
        rootRecords = file.u16(address + 24, where, what + " root node record count");
        if (nodeSize < 16 || nodeSize > 1 << 24 || recordSize < 1 || recordSize > nodeSize / 2) {
            throw file.error(where, what + " node size", address + 6, "nodes of " + nodeSize + " bytes with records of " + recordSize
                    + "; allowed: 16 bytes to 16 MiB, room for two records");
        }
        if (depth > MAX_DEPTH) {
            throw file.error(where, what + " depth", address + 12, depth + "; allowed: at most " + MAX_DEPTH);
        }
        // The widths of the counts in internal nodes follow from the node size (H5B2's header initialization).
        maxRecords = new long[depth + 1];
        countBytes = new int[depth + 1];
        totalBytes = new int[depth + 1];
        long[] cumulative = new long[depth + 1];
        maxRecords[0] = (nodeSize - 10) / recordSize;
        cumulative[0] = maxRecords[0];
        int recordCountBytes = encodedSize(maxRecords[0]);
        for (int d = 1; d <= depth; d++) {
            long pointer = 8 + recordCountBytes + (d > 1 ? totalBytes[d - 1] : 0);
            maxRecords[d] = (nodeSize - (10 + pointer)) / (recordSize + pointer);
            if (maxRecords[d] < 1) {
                throw file.error(where, what + " depth", address + 12, depth + " levels do not fit nodes of " + nodeSize + " bytes");
            }
            long product = Math.multiplyHigh(maxRecords[d] + 1, cumulative[d - 1]) != 0 ? Long.MAX_VALUE / 4
                    : (maxRecords[d] + 1) * cumulative[d - 1];
            cumulative[d] = Math.min(product, Long.MAX_VALUE / 4) + maxRecords[d];
            countBytes[d] = recordCountBytes;
            totalBytes[d] = encodedSize(cumulative[d]);
        }
        if (rootRecords > maxRecords[depth]) {
            throw file.error(where, what + " root node record count", address + 24, rootRecords + "; allowed: at most " + maxRecords[depth]);
        }
    }

    /** The record size in bytes. */
    int recordSize() {
        return recordSize;
    }

    /** The offsets of every record, leaves and internal nodes alike (order does not matter to Kiln's callers). */
    List<Long> records() throws CheckpointFormatException {
        List<Long> records = new ArrayList<>();
        if (root == FileBytes.UNDEFINED || rootRecords == 0 && depth == 0) {
            return records;
        }
        Set<Long> visited = new HashSet<>();
        ArrayDeque<long[]> stack = new ArrayDeque<>(); // {address, records, depth}
        stack.push(new long[] {root, rootRecords, depth});
        while (!stack.isEmpty()) {
            long[] node = stack.pop();
            long at = node[0];
            int count = (int) node[1];
            int level = (int) node[2];
            if (!visited.add(at)) {
                throw file.error(where, what + " node", at, "node at " + at + " is reached a second time (a loop); allowed: a tree");
            }
            file.require(at, nodeSize, where, what + " node");
            file.claim(at, nodeSize, where, what + " node");
            file.signature(at, level == 0 ? "BTLF" : "BTIN", where, what + (level == 0 ? " leaf" : " internal node"));
            file.expect(at + 4, 0, where, what + " node version");
            long recordsAt = at + PREFIX;
            long pointers = recordsAt + (long) count * recordSize;
            long pointerSize = level == 0 ? 0 : 8 + countBytes[level] + (level > 1 ? totalBytes[level - 1] : 0);
            long used = pointers - at + (level == 0 ? 0 : (count + 1) * pointerSize);
            if (used + 4 > nodeSize) {
                throw file.error(where, what + " node", at, count + " records need " + (used + 4) + " bytes; allowed: the node's "
                        + nodeSize);
            }
            file.checksum(at, used, where, what + " node");
            for (int i = 0; i < count; i++) {
                records.add(recordsAt + (long) i * recordSize);
            }
            for (int i = 0; i < (level == 0 ? 0 : count + 1); i++) {
                long pointer = pointers + i * pointerSize;
                long child = file.definedAddress(pointer, nodeSize, where, what + " child address");
                long childRecords = file.unsigned(pointer + 8, countBytes[level], where, what + " child record count");
                if (childRecords > maxRecords[level - 1]) {
                    throw file.error(where, what + " child record count", pointer + 8, childRecords + "; allowed: at most "
                            + maxRecords[level - 1]);
                }
                stack.push(new long[] {child, childRecords, level - 1});
            }
        }
        return records;
    }

    /** Bytes that encode values up to {@code max}: HDF5's H5VM_limit_enc_size. */
    private static int encodedSize(long max) {
        return (63 - Long.numberOfLeadingZeros(Math.max(max, 1))) / 8 + 1;
    }
}
