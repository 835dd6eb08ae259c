package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.LoadLimits;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An HDF5 file, read: its groups, datasets and attributes as a tree of typed objects (Keras'
 * {@code .h5} models and the {@code model.weights.h5} of a {@code .keras} archive are such files).
 *
 * <p>Opening reads and checks the whole structure and every attribute's value; a dataset's values
 * are read when asked for. What Kiln reads is the layout HDF5 writes by default, as h5py and Keras
 * use it: superblock version 0 with 8-byte offsets and lengths, version 1 object headers, groups
 * with symbol tables, contiguous or compact datasets without filters. Anything else (other
 * superblock versions, chunked or compressed data, new-style groups, committed types, soft links)
 * is refused by name. Every file is untrusted: a structure that leaves the file, a loop, two
 * structures sharing bytes, or a size past {@link LoadLimits} is a {@link CheckpointFormatException}
 * whose message starts with the file and names the object's path, the field, its offset, the
 * value found and what is allowed. Opening a file of N bytes, then reading every dataset once,
 * allocates at most {@code LoadLimits.heapBound(D, N - D)} bytes, D being the datasets' bytes.
 */
public final class Hdf5File {
    private final String source;
    private final long size;
    private final Hdf5Group root;

    private Hdf5File(String source, long size, Hdf5Group root) {
        this.source = source;
        this.size = size;
        this.root = root;
    }

    /** Whether {@code bytes} start (at index 0) with HDF5's 8-byte signature: how a {@code .keras} name that holds HDF5 is told apart from a zip. */
    public static boolean hasSignature(ByteBuffer bytes) {
        if (bytes.limit() < Superblock.SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < Superblock.SIGNATURE.length; i++) {
            if (bytes.get(i) != Superblock.SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /** Opens the HDF5 file at {@code path} (mapped, not copied); errors name it as {@code path.toString()}. */
    public static Hdf5File open(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "no HDF5 file here");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > LoadLimits.MAX_FILE_BYTES) {
                throw new CheckpointFormatException(path + ": file is " + size + " bytes; Kiln reads HDF5 files of up to "
                        + LoadLimits.MAX_FILE_BYTES + " bytes");
            }
            return read(channel.map(FileChannel.MapMode.READ_ONLY, 0, size), path.toString());
        }
    }

    /**
     * Reads an HDF5 file held in {@code bytes} (from index 0 to the limit; kept, not copied: datasets
     * read from it later), e.g. the {@code model.weights.h5} entry of a {@code .keras} zip;
     * {@code source} names it in errors.
     */
    public static Hdf5File read(ByteBuffer bytes, String source) throws CheckpointFormatException {
        FileBytes file = new FileBytes(bytes, source);
        Superblock superblock = Superblock.read(file);
        file.end(superblock.endOfFile());
        Tree tree = new Tree(file, superblock);
        Hdf5Object root = tree.object(Location.ROOT, superblock.rootHeader(), 0);
        if (!(root instanceof Hdf5Group group)) {
            throw file.error(Location.ROOT, "object header", superblock.rootHeader(), "the root object is a dataset; allowed: a group");
        }
        return new Hdf5File(source, file.size(), group);
    }

    /** The file's name as errors give it. */
    public String source() {
        return source;
    }

    /** The file's size in bytes. */
    public long size() {
        return size;
    }

    /** The root group, "/". */
    public Hdf5Group root() {
        return root;
    }

    /** Builds the tree of objects from the root down, every object header read once. */
    private static final class Tree {
        private final FileBytes file;
        private final GlobalHeap heap;
        private final SymbolTable symbolTables;
        private final Map<Long, Location> seen = new HashMap<>();

        Tree(FileBytes file, Superblock superblock) {
            this.file = file;
            this.heap = new GlobalHeap(file);
            this.symbolTables = new SymbolTable(file, superblock.leafK(), superblock.internalK());
        }

        Hdf5Object object(Location where, long address, int depth) throws CheckpointFormatException {
            Location earlier = seen.putIfAbsent(address, where);
            if (earlier != null) {
                throw file.error(where, "object header address", address, "the object at " + address + " is also " + earlier.path()
                        + "; allowed: one link per object (hard links to one object, and loops, are not supported)");
            }
            ObjectHeader header = ObjectHeader.read(file, heap, address, where);
            if (header.isGroup()) {
                if (depth >= LoadLimits.MAX_GROUP_DEPTH) {
                    throw file.error(where, "group", address, "groups nest deeper than " + LoadLimits.MAX_GROUP_DEPTH + " levels");
                }
                List<Hdf5Object> children = new ArrayList<>();
                for (SymbolTable.Link link : symbolTables.links(header.btree(), header.localHeap(), where)) {
                    children.add(object(where.child(link.name()), link.header(), depth + 1));
                }
                return new Hdf5Group(where, file.source(), header.attributes(), children);
            }
            if (header.isDataset()) {
                return dataset(where, header);
            }
            throw file.error(where, "object header", address, header.datatype() != null && header.shape() == null
                    ? "a named (committed) datatype, which Kiln does not read; allowed: a group or a dataset"
                    : "holds neither a symbol table (a group) nor a dataspace, datatype and layout (a dataset)");
        }

        private Hdf5Dataset dataset(Location where, ObjectHeader header) throws CheckpointFormatException {
            Hdf5Dataset dataset = new Hdf5Dataset(where, file, header.datatype(), header.shape(), header.layout(), header.attributes());
            ObjectHeader.Layout layout = header.layout();
            long needed = dataset.storedBytes();
            if (layout.address() == FileBytes.UNDEFINED) {
                return dataset; // never written: reading it says so
            }
            if (layout.length() != needed) {
                throw file.error(where, layout.compact() ? "compact data size" : "contiguous data size", layout.lengthAt(), layout.length()
                        + " bytes, but " + header.shape() + " elements of " + header.datatype().dtype() + " take " + needed);
            }
            file.require(layout.address(), needed, where, "data");
            if (!layout.compact()) {
                file.claim(layout.address(), needed, where, "data");
            }
            return dataset;
        }
    }
}
