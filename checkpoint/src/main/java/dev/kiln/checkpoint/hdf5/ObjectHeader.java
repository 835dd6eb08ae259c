package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.engine.tensor.Shape;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A version 1 object header (HDF5 spec IV.A.1.a) and the messages Kiln reads from it: a group's
 * symbol table, a dataset's dataspace, datatype and layout, and every attribute. Continuation
 * blocks are followed; every block is claimed in {@link FileBytes}, so no two headers share bytes.
 * Messages that would change how the data reads (filters, external storage, shared or committed
 * types, new-style links, dense attributes) are refused by name; the others (fill values, times,
 * comments) do not affect the values and are skipped.
 */
record ObjectHeader(Shape shape, Datatype datatype, Layout layout, long btree, long localHeap, List<Hdf5Attribute> attributes) {
    /**
     * Where a dataset's values are: in the file (contiguous) or inside the header (compact); the
     * address may be undefined (never written). {@code lengthAt} is where the length stands, for errors.
     */
    record Layout(long address, long length, boolean compact, long lengthAt) {}

    private static final int NIL = 0x0000;
    private static final int DATASPACE = 0x0001;
    private static final int LINK_INFO = 0x0002;
    private static final int DATATYPE = 0x0003;
    private static final int LINK = 0x0006;
    private static final int EXTERNAL_FILES = 0x0007;
    private static final int DATA_LAYOUT = 0x0008;
    private static final int FILTER_PIPELINE = 0x000B;
    private static final int ATTRIBUTE = 0x000C;
    private static final int CONTINUATION = 0x0010;
    private static final int SYMBOL_TABLE = 0x0011;
    private static final int ATTRIBUTE_INFO = 0x0015;
    /** Message flag: the message is shared (stored in another object header). */
    private static final int FLAG_SHARED = 0x02;
    /** Message flag: a reader that does not know the message must fail. */
    private static final int FLAG_FAIL_IF_UNKNOWN = 0x80;
    private static final int PREFIX_BYTES = 16;

    /** Whether the header holds a group's symbol table. */
    boolean isGroup() {
        return btree != FileBytes.UNDEFINED;
    }

    /** Whether the header holds a dataset's dataspace, datatype and layout. */
    boolean isDataset() {
        return shape != null && datatype != null && layout != null;
    }

    /** Reads the object header at {@code address} of the object at {@code where}. */
    static ObjectHeader read(FileBytes file, GlobalHeap heap, long address, Location where) throws CheckpointFormatException {
        if (file.hasSignature(address, "OHDR")) {
            throw file.error(where, "object header", address, "version 2 (signature \"OHDR\", written with libver='latest') is not"
                    + " supported yet; allowed: version 1, as HDF5 writes by default");
        }
        file.expect(address, 1, where, "object header version");
        int declared = file.u16(address + 2, where, "object header message count");
        long size = file.u32(address + 8, where, "object header size");
        file.require(address, PREFIX_BYTES + size, where, "object header");
        file.claim(address, PREFIX_BYTES + size, where, "object header");
        Builder builder = new Builder(file, heap, where);
        ArrayDeque<long[]> blocks = new ArrayDeque<>();
        blocks.add(new long[] {address + PREFIX_BYTES, size});
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
                    if (length < 16) {
                        throw file.error(where, "continuation message", at + 2, length + " bytes; allowed: at least 16 (an address and a"
                                + " length)");
                    }
                    long next = file.definedAddress(data, 0, where, "continuation address");
                    long nextLength = file.u64(data + 8, where, "continuation length");
                    file.require(next, nextLength, where, "continuation block");
                    file.claim(next, nextLength, where, "object header continuation");
                    blocks.add(new long[] {next, nextLength});
                } else {
                    builder.message(type, flags, data, length);
                }
                at = data + length;
            }
        }
        if (read < declared) {
            throw file.error(where, "object header message count", address + 2, declared + " messages declared, but the header's blocks hold "
                    + read);
        }
        return builder.build();
    }

    /** The messages of one header as they are read. */
    private static final class Builder {
        private final FileBytes file;
        private final GlobalHeap heap;
        private final Location where;
        private Shape shape;
        private Datatype datatype;
        private Layout layout;
        private long btree = FileBytes.UNDEFINED;
        private long localHeap = FileBytes.UNDEFINED;
        private final List<Hdf5Attribute> attributes = new ArrayList<>();
        private final Set<String> attributeNames = new HashSet<>();

        Builder(FileBytes file, GlobalHeap heap, Location where) {
            this.file = file;
            this.heap = heap;
            this.where = where;
        }

        void message(int type, int flags, long at, int length) throws CheckpointFormatException {
            if ((flags & FLAG_SHARED) != 0 && (type == DATATYPE || type == DATASPACE)) {
                throw file.error(where, type == DATATYPE ? "datatype" : "dataspace", at,
                        "is shared with another object (a committed type), which is not supported");
            }
            switch (type) {
                case NIL -> { }
                case DATASPACE -> shape = once(shape, Dataspace.read(file, at, length, where, "dataspace"), "dataspace", at);
                case DATATYPE -> datatype = once(datatype, Datatype.read(file, at, length, where, "datatype"), "datatype", at);
                case DATA_LAYOUT -> layout = once(layout, layout(at, length), "data layout", at);
                case ATTRIBUTE -> attribute(at, length);
                case SYMBOL_TABLE -> symbolTable(at);
                case FILTER_PIPELINE -> throw file.error(where, "filter pipeline", at, "filters (compression, shuffle, checksums) are not"
                        + " supported yet; allowed: data stored without filters");
                case EXTERNAL_FILES -> throw file.error(where, "external data files", at, "data kept in other files is not supported");
                case LINK_INFO, LINK -> throw file.error(where, type == LINK ? "link message" : "link info message", at,
                        "new-style groups (links in the object header, HDF5 1.8's format) are not supported yet; allowed: groups with a"
                                + " symbol table, as HDF5 writes by default");
                case ATTRIBUTE_INFO -> attributeInfo(at);
                default -> {
                    if ((flags & FLAG_FAIL_IF_UNKNOWN) != 0) {
                        throw file.error(where, "message type", at - 8, "message type " + type + " is marked as one a reader must"
                                + " understand, and Kiln does not know it");
                    }
                }
            }
        }

        ObjectHeader build() {
            return new ObjectHeader(shape, datatype, layout, btree, localHeap, List.copyOf(attributes));
        }

        private <T> T once(T previous, T next, String what, long at) throws CheckpointFormatException {
            if (previous != null) {
                throw file.error(where, what, at, "a second " + what + " message; allowed: one");
            }
            return next;
        }

        private void symbolTable(long at) throws CheckpointFormatException {
            if (btree != FileBytes.UNDEFINED) {
                throw file.error(where, "symbol table", at, "a second symbol table message; allowed: one");
            }
            btree = file.definedAddress(at, 24, where, "symbol table B-tree address");
            localHeap = file.definedAddress(at + 8, 32, where, "symbol table local heap address");
        }

        private Layout layout(long at, int length) throws CheckpointFormatException {
            int version = file.u8(at, where, "data layout version");
            if (version < 3 || version > 4) {
                throw file.error(where, "data layout version", at, "version " + version + "; allowed: 3 or 4 (HDF5 1.6 and later)");
            }
            int layoutClass = file.u8(at + 1, where, "data layout class");
            switch (layoutClass) {
                case 0 -> {
                    int size = file.u16(at + 2, where, "compact data size");
                    if (4L + size > length) {
                        throw file.error(where, "compact data size", at + 2, size + " bytes, but the layout message holds "
                                + (length - 4));
                    }
                    return new Layout(at + 4, size, true, at + 2);
                }
                case 1 -> {
                    if (length < 18) {
                        throw file.error(where, "data layout", at, "is " + length + " bytes, fewer than the 18 of a contiguous layout");
                    }
                    long address = file.address(at + 2, where, "contiguous data address");
                    long size = file.u64(at + 10, where, "contiguous data size");
                    return new Layout(address, size, false, at + 10);
                }
                case 2 -> throw file.error(where, "data layout class", at + 1, "chunked storage is not supported yet; allowed:"
                        + " contiguous or compact datasets (Keras writes contiguous ones)");
                case 3 -> throw file.error(where, "data layout class", at + 1, "virtual datasets are not supported");
                default -> throw file.error(where, "data layout class", at + 1, "class " + layoutClass
                        + "; allowed: 0 (compact), 1 (contiguous)");
            }
        }

        /** An attribute message, versions 1 to 3 (HDF5 spec IV.A.2.m). */
        private void attribute(long at, int length) throws CheckpointFormatException {
            long end = at + length;
            int version = file.u8(at, where, "attribute message version");
            if (version < 1 || version > 3) {
                throw file.error(where, "attribute message version", at, "version " + version + "; allowed: 1 to 3");
            }
            int flags = version == 1 ? 0 : file.u8(at + 1, where, "attribute message flags");
            if ((flags & 3) != 0) {
                throw file.error(where, "attribute message flags", at + 1, "a shared datatype or dataspace is not supported");
            }
            int nameSize = file.u16(at + 2, where, "attribute name size");
            int datatypeSize = file.u16(at + 4, where, "attribute datatype size");
            int dataspaceSize = file.u16(at + 6, where, "attribute dataspace size");
            long name = at + (version == 3 ? 9 : 8);
            long datatypeAt = name + pad(version, nameSize);
            long dataspaceAt = datatypeAt + pad(version, datatypeSize);
            long value = dataspaceAt + pad(version, dataspaceSize);
            if (nameSize < 2 || nameSize > LoadLimits.MAX_NAME_BYTES + 1) {
                throw file.error(where, "attribute name size", at + 2, nameSize + " bytes; allowed: 2 to " + (LoadLimits.MAX_NAME_BYTES + 1)
                        + " (a name of 1 to " + LoadLimits.MAX_NAME_BYTES + " bytes and its NUL)");
            }
            if (value > end) {
                throw file.error(where, "attribute message", at, "its name, datatype and dataspace need " + (value - at)
                        + " bytes but the message has " + length);
            }
            String attributeName = file.utf8(name, nameSize - 1, where, "attribute name");
            String field = "attribute \"" + attributeName + "\"";
            if (!attributeNames.add(attributeName)) {
                throw file.error(where, field, at, "a second attribute of this name; allowed: one");
            }
            Datatype type = Datatype.read(file, datatypeAt, datatypeSize, where, field + " datatype");
            Shape dims = Dataspace.read(file, dataspaceAt, dataspaceSize, where, field + " dataspace");
            long needed = (long) dims.size() * type.elementBytes();
            if (needed > end - value) {
                throw file.error(where, field + " value", value, dims.size() + " elements of " + type.elementBytes() + " bytes need " + needed
                        + " bytes, but the message has " + (end - value) + " left");
            }
            attributes.add(Hdf5Attribute.read(file, heap, attributeName, type, dims, value, where));
        }

        /** An attribute info message: attributes kept in a fractal heap ("dense" storage) are refused. */
        private void attributeInfo(long at) throws CheckpointFormatException {
            int flags = file.u8(at + 1, where, "attribute info flags");
            long heapAddress = file.address(at + 2 + ((flags & 1) != 0 ? 2 : 0), where, "attribute info fractal heap address");
            if (heapAddress != FileBytes.UNDEFINED) {
                throw file.error(where, "attribute info", at, "attributes kept in a fractal heap (dense storage, HDF5 1.8's format for many"
                        + " or large attributes) are not supported yet; allowed: attributes in the object header");
            }
        }

        private static long pad(int version, int size) {
            return version == 1 ? (size + 7L) & ~7L : size;
        }
    }
}
