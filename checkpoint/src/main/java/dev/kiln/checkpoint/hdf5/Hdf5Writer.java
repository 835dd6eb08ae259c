package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.AtomicFileWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a tree of {@link Hdf5GroupBuilder groups}, datasets and attributes as an HDF5 file in
 * the layout HDF5 writes by default and Keras needs (h5py and Kiln's {@link Hdf5File} read it):
 * superblock version 0 with 8-byte offsets and lengths, version 1 object headers, groups with
 * symbol tables (a local heap, symbol table nodes and a version 1 B-tree as tall as the number of
 * children needs), contiguous datasets, attributes in the object header, variable-length strings
 * in global heap collections. The bytes depend only on the tree: no times, no random values.
 *
 * <p>Layout: the superblock (96 bytes), the global heap collections, then each object after its
 * children (a dataset's values, then its header; a group's children, then its local heap, symbol
 * table nodes, B-tree and header), the root group last.
 */
public final class Hdf5Writer {
    private static final int SUPERBLOCK = 96;

    private final ByteSink out = new ByteSink();
    private final GlobalHeapWriter globalHeap = new GlobalHeapWriter();

    private Hdf5Writer() {}

    /** The HDF5 file of {@code root}'s tree; an attribute too large for an object header is an IllegalArgumentException naming it. */
    public static byte[] toBytes(Hdf5GroupBuilder root) {
        if (!root.path().equals("/")) {
            throw new IllegalArgumentException("an HDF5 file is written from its root group, not " + root.path());
        }
        Hdf5Writer writer = new Hdf5Writer();
        writer.collectStrings(root);
        writer.out.skip(SUPERBLOCK);
        writer.globalHeap.write(writer.out);
        SymbolTableWriter.Entry rootEntry = writer.group(root);
        writer.superblock(rootEntry);
        return writer.out.toArray();
    }

    /** Writes {@code root}'s file to {@code file} through {@link AtomicFileWriter}: the file is whole or untouched. */
    public static void write(Path file, Hdf5GroupBuilder root) throws IOException {
        new AtomicFileWriter(true).write(file, toBytes(root));
    }

    private void collectStrings(Hdf5GroupBuilder group) {
        group.attributes().values().forEach(globalHeap::add);
        for (Object child : group.children().values()) {
            if (child instanceof Hdf5GroupBuilder subgroup) {
                collectStrings(subgroup);
            }
        }
    }

    private SymbolTableWriter.Entry group(Hdf5GroupBuilder group) {
        List<SymbolTableWriter.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> child : group.children().entrySet()) {
            String name = child.getKey();
            entries.add(switch (child.getValue()) {
                case Hdf5GroupBuilder subgroup -> group(subgroup).named(name);
                case Hdf5Data data -> SymbolTableWriter.Entry.dataset(name, dataset(data));
                default -> throw new IllegalStateException("a child is a group or a dataset");
            });
        }
        SymbolTableWriter.Written table = SymbolTableWriter.write(out, entries);
        List<HeaderMessageEncoder.Message> messages = new ArrayList<>();
        messages.add(new HeaderMessageEncoder.Message(HeaderMessages.SYMBOL_TABLE, 0,
                HeaderMessageEncoder.symbolTable(table.btree(), table.heap())));
        attributes(group, messages);
        return new SymbolTableWriter.Entry("", objectHeader(messages), table.btree(), table.heap());
    }

    private long dataset(Hdf5Data data) {
        out.align8();
        long address = out.position();
        out.bytes(data.bytes());
        List<HeaderMessageEncoder.Message> messages = List.of(
                new HeaderMessageEncoder.Message(HeaderMessages.DATASPACE, 0, HeaderMessageEncoder.dataspace(data.shape())),
                new HeaderMessageEncoder.Message(HeaderMessages.DATATYPE, HeaderMessageEncoder.CONSTANT, HeaderMessageEncoder.numberType(data.dtype())),
                new HeaderMessageEncoder.Message(HeaderMessages.FILL_VALUE, HeaderMessageEncoder.CONSTANT, HeaderMessageEncoder.fillValue()),
                new HeaderMessageEncoder.Message(HeaderMessages.DATA_LAYOUT, 0, HeaderMessageEncoder.contiguous(address, data.byteCount())));
        return objectHeader(messages);
    }

    private void attributes(Hdf5GroupBuilder group, List<HeaderMessageEncoder.Message> messages) {
        for (Map.Entry<String, Hdf5Value> attribute : group.attributes().entrySet()) {
            Hdf5Value value = attribute.getValue();
            byte[] body = AttributeEncoding.encode(attribute.getKey(), value, globalHeap);
            if (HeaderMessageEncoder.padded(body.length) > HeaderMessageEncoder.MAX_MESSAGE) {
                throw new IllegalArgumentException("attribute '" + attribute.getKey() + "' of " + group.path() + " takes "
                        + body.length + " bytes; an attribute message holds at most " + HeaderMessageEncoder.MAX_MESSAGE
                        + " (a long text fits as a variable-length string, which the global heap holds)");
            }
            messages.add(new HeaderMessageEncoder.Message(HeaderMessages.ATTRIBUTE, 0, body));
        }
    }

    /** A version 1 object header of {@code messages}, in one chunk; returns its address. */
    private long objectHeader(List<HeaderMessageEncoder.Message> messages) {
        out.align8();
        long address = out.position();
        int size = 0;
        for (HeaderMessageEncoder.Message message : messages) {
            size += HeaderMessageEncoder.size(message);
        }
        out.u8(1);
        out.u8(0);
        out.u16(messages.size());
        out.u32(1);                 // reference count
        out.u32(size);
        out.skip(4);                // messages start 8-byte aligned
        for (HeaderMessageEncoder.Message message : messages) {
            out.u16(message.type());
            out.u16(HeaderMessageEncoder.padded(message.body().length));
            out.u8(message.flags());
            out.skip(3);
            out.bytes(message.body());
            out.align8();
        }
        return address;
    }

    private void superblock(SymbolTableWriter.Entry root) {
        ByteSink block = new ByteSink();
        block.bytes(Superblock.SIGNATURE);
        block.u8(0);                // superblock version
        block.u8(0);                // free space storage version
        block.u8(0);                // root group symbol table entry version
        block.u8(0);
        block.u8(0);                // shared header message format version
        block.u8(8);                // size of offsets
        block.u8(8);                // size of lengths
        block.u8(0);
        block.u16(SymbolTableWriter.LEAF_K);
        block.u16(SymbolTableWriter.INTERNAL_K);
        block.u32(0);               // file consistency flags
        block.u64(0);               // base address
        block.u64(FileBytes.UNDEFINED); // no free space information
        block.u64(out.position());  // end of file
        block.u64(FileBytes.UNDEFINED); // no driver information block
        block.u64(0);               // the root's link name offset
        block.u64(root.header());
        block.u32(1);               // cached: the root's B-tree and heap addresses
        block.u32(0);
        block.u64(root.btree());
        block.u64(root.heap());
        out.patch(0, block.toArray());
    }
}
