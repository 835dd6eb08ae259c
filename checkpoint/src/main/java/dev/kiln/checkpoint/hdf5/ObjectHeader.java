package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.tensor.Shape;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

/**
 * An object header (HDF5 spec IV.A.1): version 1, as HDF5 writes by default, or version 2
 * ({@code OHDR}, HDF5 1.8's format, sealed by a checksum), with its continuation blocks, and what
 * {@link HeaderMessages} reads from its messages. Every block is claimed in {@link FileBytes}, so no
 * two headers share bytes and a continuation that points back into a header is refused.
 */
record ObjectHeader(Shape shape, long dataspaceAt, Datatype datatype, DataLayout layout, FilterPipeline filters, Optional<byte[]> fill, long btree,
        long localHeap, List<Link> links, long linkHeap, long linkNames, boolean newStyleGroup, List<Hdf5Attribute> attributes) {
    private static final int CONTINUATION = 0x0010;
    private static final int V1_PREFIX_BYTES = 16;

    /** Whether the header holds a group: a symbol table, or links (link info message). */
    boolean isGroup() {
        return btree != FileBytes.UNDEFINED || newStyleGroup;
    }

    /** Whether the header holds a dataset's dataspace, datatype and layout. */
    boolean isDataset() {
        return shape != null && datatype != null && layout != null;
    }

    /** Whether the group keeps its links in a fractal heap and a version 2 B-tree (dense storage). */
    boolean hasDenseLinks() {
        return linkHeap != FileBytes.UNDEFINED;
    }

    /** Reads the object header at {@code address} of the object at {@code where}. */
    static ObjectHeader read(FileBytes file, GlobalHeap heap, long address, Location where) throws CheckpointFormatException {
        return messages(file, heap, address, where).build();
    }

    /** The messages of the object header at {@code address}, read (a superblock extension's are not an object's). */
    static HeaderMessages messages(FileBytes file, GlobalHeap heap, long address, Location where) throws CheckpointFormatException {
        HeaderMessages messages = new HeaderMessages(file, heap, where);
        if (file.hasSignature(address, "OHDR")) {
            version2(file, messages, address, where);
        } else {
            version1(file, messages, address, where);
        }
        return messages;
    }

    private static void version1(FileBytes file, HeaderMessages messages, long address, Location where) throws CheckpointFormatException {
        file.expect(address, 1, where, "object header version");
        int declared = file.u16(address + 2, where, "object header message count");
        long size = file.u32(address + 8, where, "object header size");
        file.require(address, V1_PREFIX_BYTES + size, where, "object header");
        file.claim(address, V1_PREFIX_BYTES + size, where, "object header");
        ArrayDeque<long[]> blocks = new ArrayDeque<>();
        blocks.add(new long[] {address + V1_PREFIX_BYTES, size});
        int read = 0;
        while (!blocks.isEmpty()) {
            long[] block = blocks.poll();
            long end = block[0] + block[1];
            for (long at = block[0]; end - at >= 8 && read < declared; ) {
                int type = file.u16(at, where, "message type");
                int length = file.u16(at + 2, where, "message size");
                int flags = file.u8(at + 4, where, "message flags");
                long data = at + 8;
                if (length > end - data) {
                    throw file.error(where, "message size", at + 2, "a message of type " + type + " declares " + length
                            + " bytes but its header block has " + (end - data) + " left");
                }
                read++;
                if (type == CONTINUATION) {
                    long[] next = continuation(file, data, length, where);
                    blocks.add(next);
                } else {
                    messages.message(type, flags, data, length);
                }
                at = data + length;
            }
        }
        if (read < declared) {
            throw file.error(where, "object header message count", address + 2, declared + " messages declared, but the header's blocks hold "
                    + read);
        }
    }

    /**
     * A version 2 header: signature, version, flags, optional times and attribute phase change
     * values, the size of the first block in 1 to 8 bytes, its messages (1-byte types, optional
     * creation order), a checksum; continuation blocks start with {@code OCHK} and end with a checksum.
     */
    private static void version2(FileBytes file, HeaderMessages messages, long address, Location where) throws CheckpointFormatException {
        file.expect(address + 4, 2, where, "object header version");
        int flags = file.u8(address + 5, where, "object header flags");
        if ((flags & 0xC0) != 0) {
            throw file.error(where, "object header flags", address + 5, String.format("0x%02x; allowed: bits 0 to 5", flags));
        }
        long at = address + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
        int sizeBytes = 1 << (flags & 3);
        long size = file.unsigned(at, sizeBytes, where, "object header size");
        long start = at + sizeBytes;
        if (size > file.end() - start) {
            throw file.error(where, "object header size", at, size + " bytes, but only " + Math.max(0, file.end() - start)
                    + " remain before the end of the file");
        }
        long length = start + size - address;
        file.require(address, length + 4, where, "object header");
        file.claim(address, length + 4, where, "object header");
        file.checksum(address, length, where, "object header");
        boolean creationOrder = (flags & 0x04) != 0;
        ArrayDeque<long[]> blocks = new ArrayDeque<>();
        blocks.add(new long[] {start, size});
        while (!blocks.isEmpty()) {
            long[] block = blocks.poll();
            long end = block[0] + block[1];
            int prefix = creationOrder ? 6 : 4;
            for (long message = block[0]; end - message >= prefix; ) {
                int type = file.u8(message, where, "message type");
                int messageLength = file.u16(message + 1, where, "message size");
                int messageFlags = file.u8(message + 3, where, "message flags");
                long data = message + prefix;
                if (messageLength > end - data) {
                    throw file.error(where, "message size", message + 1, "a message of type " + type + " declares " + messageLength
                            + " bytes but its header block has " + (end - data) + " left");
                }
                if (type == CONTINUATION) {
                    long[] next = continuation(file, data, messageLength, where);
                    file.signature(next[0], "OCHK", where, "object header continuation block");
                    if (next[1] < 8) {
                        throw file.error(where, "continuation length", data + 8, next[1] + " bytes; allowed: at least 8 (a signature and"
                                + " a checksum)");
                    }
                    file.checksum(next[0], next[1] - 4, where, "object header continuation block");
                    blocks.add(new long[] {next[0] + 4, next[1] - 8});
                } else {
                    messages.message(type, messageFlags, data, messageLength);
                }
                message = data + messageLength;
            }
        }
    }

    /** A continuation message: the address and length of the next block, which is claimed. */
    private static long[] continuation(FileBytes file, long data, int length, Location where) throws CheckpointFormatException {
        if (length < 16) {
            throw file.error(where, "continuation message", data, length + " bytes; allowed: at least 16 (an address and a length)");
        }
        long next = file.definedAddress(data, 0, where, "continuation address");
        long nextLength = file.u64(data + 8, where, "continuation length");
        file.require(next, nextLength, where, "continuation block");
        file.claim(next, nextLength, where, "object header continuation");
        return new long[] {next, nextLength};
    }
}
