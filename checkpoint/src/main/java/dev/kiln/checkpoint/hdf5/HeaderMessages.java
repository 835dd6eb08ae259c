package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.engine.tensor.Shape;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The messages of one object header as they are read (HDF5 spec IV.A.2): a group's symbol table
 * or links, a dataset's dataspace, datatype, layout, filters and fill value, and every attribute,
 * in the header or in dense storage (a fractal heap indexed by a version 2 B-tree). Messages that
 * would change how the data reads and that Kiln does not read (external storage, shared or
 * committed types) are refused by name; those that do not (times, comments, group info) are
 * skipped, unless flagged as ones a reader must understand.
 */
final class HeaderMessages {
    private static final int NIL = 0x0000;
    static final int DATASPACE = 0x0001;
    private static final int LINK_INFO = 0x0002;
    static final int DATATYPE = 0x0003;
    private static final int OLD_FILL_VALUE = 0x0004;
    static final int FILL_VALUE = 0x0005;
    private static final int LINK = 0x0006;
    private static final int EXTERNAL_FILES = 0x0007;
    static final int DATA_LAYOUT = 0x0008;
    private static final int FILTER_PIPELINE = 0x000B;
    static final int ATTRIBUTE = 0x000C;
    private static final int SHARED_MESSAGE_TABLE = 0x000F;
    static final int SYMBOL_TABLE = 0x0011;
    private static final int BTREE_K = 0x0013;
    private static final int ATTRIBUTE_INFO = 0x0015;
    /** Message flag: the message is shared (stored in another object header). */
    private static final int FLAG_SHARED = 0x02;
    /** Message flag: a reader that does not know the message must fail. */
    private static final int FLAG_FAIL_IF_UNKNOWN = 0x80;

    private final FileBytes file;
    private final GlobalHeap heap;
    private final Location where;
    private Shape shape;
    private long dataspaceAt;
    private Datatype datatype;
    private DataLayout layout;
    private FilterPipeline filters;
    private byte[] fill;
    private byte[] oldFill;
    private long btree = FileBytes.UNDEFINED;
    private long localHeap = FileBytes.UNDEFINED;
    private boolean linkInfo;
    private long linkHeap = FileBytes.UNDEFINED;
    private long linkNames = FileBytes.UNDEFINED;
    private long attributeHeap = FileBytes.UNDEFINED;
    private long attributeNames = FileBytes.UNDEFINED;
    private long attributeInfoAt;
    private int[] ranks;
    private final List<Link> links = new ArrayList<>();
    private final List<Hdf5Attribute> attributes = new ArrayList<>();
    private final Set<String> attributeNameSet = new HashSet<>();

    HeaderMessages(FileBytes file, GlobalHeap heap, Location where) {
        this.file = file;
        this.heap = heap;
        this.where = where;
    }

    void message(int type, int flags, long at, int length) throws CheckpointFormatException {
        if ((flags & FLAG_SHARED) != 0 && type != NIL) {
            throw file.error(where, "message type", at, "message type " + type + " is shared with another object (a committed type or"
                    + " a shared message), which is not supported");
        }
        switch (type) {
            case NIL -> { }
            case DATASPACE -> {
                shape = once(shape, Dataspace.read(file, at, length, where, "dataspace"), "dataspace", at);
                dataspaceAt = at;
            }
            case DATATYPE -> datatype = once(datatype, Datatype.read(file, at, length, where, "datatype"), "datatype", at);
            case DATA_LAYOUT -> layout = once(layout, DataLayout.read(file, at, length, where), "data layout", at);
            case FILTER_PIPELINE -> filters = once(filters, FilterPipeline.read(file, at, length, where), "filter pipeline", at);
            case FILL_VALUE -> fill = once(fill, fillValue(at, length), "fill value", at);
            case OLD_FILL_VALUE -> oldFill = once(oldFill, value(at, length, at, "old fill value"), "old fill value", at);
            case ATTRIBUTE -> attribute(at, length);
            case SYMBOL_TABLE -> symbolTable(at);
            case LINK -> links.add(Link.read(file, at, length, where));
            case LINK_INFO -> linkInfo(at, length);
            case ATTRIBUTE_INFO -> attributeInfo(at, length);
            case BTREE_K -> ranks(at, length);
            case EXTERNAL_FILES -> throw file.error(where, "external data files", at, "data kept in other files is not supported");
            case SHARED_MESSAGE_TABLE -> throw file.error(where, "shared message table", at, "messages shared between objects are not"
                    + " supported");
            default -> {
                if ((flags & FLAG_FAIL_IF_UNKNOWN) != 0) {
                    throw file.error(where, "message type", at, "message type " + type + " is marked as one a reader must understand,"
                            + " and Kiln does not know it");
                }
            }
        }
    }

    /** The header as read, with the attributes of dense storage read from the fractal heap its attribute info names. */
    ObjectHeader build() throws CheckpointFormatException {
        if (attributeHeap != FileBytes.UNDEFINED) {
            if (attributeNames == FileBytes.UNDEFINED) {
                throw file.error(where, "attribute info name index address", attributeInfoAt, "is undefined, but the fractal heap is not;"
                        + " allowed: both or neither");
            }
            DenseStorage dense = new DenseStorage(file, attributeHeap, where, "attribute");
            for (DenseStorage.Item item : dense.items(attributeNames, BTree2.ATTRIBUTE_NAME)) {
                attribute(item.at(), item.length());
            }
        }
        Optional<byte[]> fillValue = Optional.ofNullable(fill != null ? fill : oldFill).filter(bytes -> bytes.length > 0);
        return new ObjectHeader(shape, dataspaceAt, datatype, layout, filters == null ? FilterPipeline.NONE : filters, fillValue, btree, localHeap,
                List.copyOf(links), linkHeap, linkNames, linkInfo, List.copyOf(attributes));
    }

    /** The B-tree ranks of a superblock extension's B-tree 'K' values message, or null. */
    int[] ranks() {
        return ranks;
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

    /** A link info message: version 0, flags, the creation index, the dense links' fractal heap and name index. */
    private void linkInfo(long at, int length) throws CheckpointFormatException {
        if (linkInfo) {
            throw file.error(where, "link info", at, "a second link info message; allowed: one");
        }
        file.expect(at, 0, where, "link info version");
        int flags = file.u8(at + 1, where, "link info flags");
        long p = at + 2 + ((flags & 1) != 0 ? 8 : 0);
        if (p + 16 > at + length) {
            throw file.error(where, "link info", at, "is " + length + " bytes, too few for its addresses");
        }
        linkInfo = true;
        linkHeap = file.address(p, where, "link info fractal heap address");
        linkNames = file.address(p + 8, where, "link info name index address");
        if ((linkHeap == FileBytes.UNDEFINED) != (linkNames == FileBytes.UNDEFINED)) {
            throw file.error(where, "link info", at, "one of the fractal heap and name index addresses is undefined; allowed: both or"
                    + " neither");
        }
    }

    /** An attribute info message: where attributes in dense storage are, if any. */
    private void attributeInfo(long at, int length) throws CheckpointFormatException {
        file.expect(at, 0, where, "attribute info version");
        int flags = file.u8(at + 1, where, "attribute info flags");
        long p = at + 2 + ((flags & 1) != 0 ? 2 : 0);
        if (p + 16 > at + length) {
            throw file.error(where, "attribute info", at, "is " + length + " bytes, too few for its addresses");
        }
        attributeInfoAt = at;
        attributeHeap = file.address(p, where, "attribute info fractal heap address");
        attributeNames = file.address(p + 8, where, "attribute info name index address");
    }

    /** A fill value message, versions 1 to 3: the value missing chunks read as, when one is defined. */
    private byte[] fillValue(long at, int length) throws CheckpointFormatException {
        int version = file.u8(at, where, "fill value version");
        if (version < 1 || version > 3) {
            throw file.error(where, "fill value version", at, "version " + version + "; allowed: 1 to 3");
        }
        if (version == 3) {
            int flags = file.u8(at + 1, where, "fill value flags");
            return (flags & 0x20) != 0 ? value(at + 2, length - 2, at, "fill value") : new byte[0];
        }
        boolean defined = file.u8(at + 3, where, "fill value defined") != 0;
        return version == 1 || defined ? value(at + 4, length - 4, at, "fill value") : new byte[0];
    }

    /** A 4-byte size and that many bytes, inside the {@code available} bytes at {@code p}. */
    private byte[] value(long p, long available, long at, String field) throws CheckpointFormatException {
        if (available < 4) {
            throw file.error(where, field, at, "is too short for its size field");
        }
        long size = file.u32(p, where, field + " size");
        if (size > available - 4) {
            throw file.error(where, field + " size", p, size + " bytes; allowed: at most the message's " + (available - 4));
        }
        byte[] value = new byte[(int) size];
        file.slice(p + 4, size, java.nio.ByteOrder.LITTLE_ENDIAN, where, field).get(value);
        return value;
    }

    /** The B-tree 'K' values message of a superblock extension: version 0, chunk internal K, group internal K, group leaf K. */
    private void ranks(long at, int length) throws CheckpointFormatException {
        file.expect(at, 0, where, "B-tree K values version");
        if (length < 7) {
            throw file.error(where, "B-tree K values", at, "is " + length + " bytes; allowed: 7");
        }
        int[] found = {file.u16(at + 5, where, "group leaf node K"), file.u16(at + 3, where, "group internal node K"),
            file.u16(at + 1, where, "indexed storage internal node K")};
        for (int i = 0; i < 3; i++) {
            if (found[i] == 0) {
                throw file.error(where, "B-tree K values", at, "a rank of 0; allowed: 1 or more");
            }
        }
        ranks = found;
    }

    /** An attribute message, versions 1 to 3 (HDF5 spec IV.A.2.m). */
    private void attribute(long at, long length) throws CheckpointFormatException {
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
        if (!attributeNameSet.add(attributeName)) {
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

    private static long pad(int version, int size) {
        return version == 1 ? (size + 7L) & ~7L : size;
    }
}
