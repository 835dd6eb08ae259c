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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An HDF5 file, read: its groups, datasets and attributes as a tree of typed objects (Keras'
 * {@code .h5} models and the {@code model.weights.h5} of a {@code .keras} archive are such files).
 *
 * <p>Opening reads and checks the whole structure, every chunk index and every attribute's value;
 * a dataset's values are read when asked for. What Kiln reads is what h5py writes with Keras'
 * settings and with the others it offers: superblocks 0 to 3 with 8-byte offsets and lengths,
 * version 1 and 2 object headers, groups with symbol tables or link messages (compact or dense),
 * attributes in the header or dense, compact, contiguous and chunked datasets (every chunk index
 * of HDF5 1.8 and 1.10) with the deflate, shuffle and Fletcher-32 filters and fill values.
 * Anything else (soft and external links, other filters, committed types, virtual datasets) is
 * refused by name (checkpoint/HDF5.md has the table). Every file is untrusted: a structure that
 * leaves the file, a loop, two structures sharing bytes, a checksum that fails, a chunk that
 * inflates past its declared size, or a size past {@link LoadLimits} is a
 * {@link CheckpointFormatException} whose message starts with the file and names the object's
 * path, the field, its offset, the value found and what is allowed. Opening a file of N bytes,
 * then reading every dataset once, allocates at most {@code LoadLimits.heapBound(D, N - D)} bytes,
 * D being the datasets' bytes (chunked data counted as it decodes, with its chunk buffers: at most
 * {@link #MAX_EXPANSION} times N).
 */
public final class Hdf5File {
    /**
     * How many times the file's size chunked data may decode to, all datasets together (with one
     * chunk buffer each): a compressed dataset of a small file may not make the reader allocate
     * without bound (the 100 to 1 that {@code KerasModelFile} allows a zip entry).
     */
    public static final int MAX_EXPANSION = 100;

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
        Superblock superblock = extended(file, Superblock.read(file));
        Tree tree = new Tree(file, superblock);
        Hdf5Object root = tree.object(Location.ROOT, superblock.rootHeader(), 0);
        if (!(root instanceof Hdf5Group group)) {
            throw file.error(Location.ROOT, "object header", superblock.rootHeader(), "the root object is a dataset; allowed: a group");
        }
        return new Hdf5File(source, file.size(), group);
    }

    /** The superblock with the B-tree ranks of its extension (versions 2 and 3), if it has one. */
    private static Superblock extended(FileBytes file, Superblock superblock) throws CheckpointFormatException {
        if (superblock.extension() == FileBytes.UNDEFINED) {
            return superblock;
        }
        Location at = Location.SUPERBLOCK.child("extension");
        HeaderMessages messages = ObjectHeader.messages(file, new GlobalHeap(file), superblock.extension(), at);
        int[] ranks = messages.ranks();
        return ranks == null ? superblock : superblock.withRanks(ranks[0], ranks[1], ranks[2]);
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
        private final int chunkK;
        private final Map<Long, Location> seen = new HashMap<>();

        Tree(FileBytes file, Superblock superblock) {
            this.file = file;
            this.heap = new GlobalHeap(file);
            this.symbolTables = new SymbolTable(file, superblock.leafK(), superblock.internalK());
            this.chunkK = superblock.chunkK();
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
                for (Link link : links(where, header)) {
                    children.add(object(where.child(link.name()), link.header(), depth + 1));
                }
                return new Hdf5Group(where, file.source(), header.attributes(), children);
            }
            if (header.isDataset()) {
                return dataset(where, header);
            }
            throw file.error(where, "object header", address, header.datatype() != null && header.shape() == null
                    ? "a named (committed) datatype, which Kiln does not read; allowed: a group or a dataset"
                    : "holds neither links (a group) nor a dataspace, datatype and layout (a dataset)");
        }

        /** A group's links in name order (bytewise, as h5py lists them): a symbol table's, or link messages in the header or dense storage. */
        private List<Link> links(Location where, ObjectHeader header) throws CheckpointFormatException {
            if (header.btree() != FileBytes.UNDEFINED) {
                if (header.newStyleGroup() || !header.links().isEmpty()) {
                    throw file.error(where, "link info", header.btree(), "a group with both a symbol table and links; allowed: one of them");
                }
                return symbolTables.links(header.btree(), header.localHeap(), where);
            }
            List<Link> links = new ArrayList<>(header.links());
            if (header.hasDenseLinks()) {
                DenseStorage dense = new DenseStorage(file, header.linkHeap(), where, "link");
                for (DenseStorage.Item item : dense.items(header.linkNames(), BTree2.LINK_NAME)) {
                    links.add(Link.read(file, item.at(), item.length(), where));
                }
            }
            links.sort((a, b) -> java.util.Arrays.compare(a.name().getBytes(StandardCharsets.UTF_8), b.name().getBytes(StandardCharsets.UTF_8)));
            for (int i = 1; i < links.size(); i++) {
                if (links.get(i).name().equals(links.get(i - 1).name())) {
                    throw file.error(where, "link name", links.get(i).at(), "\"" + links.get(i).name() + "\" names two links; allowed:"
                            + " distinct names");
                }
            }
            return links;
        }

        private Hdf5Dataset dataset(Location where, ObjectHeader header) throws CheckpointFormatException {
            DataLayout layout = header.layout();
            long needed = (long) header.shape().size() * header.datatype().elementBytes();
            if (layout.chunked()) {
                return chunked(where, header, needed);
            }
            if (!header.filters().isEmpty()) {
                throw file.error(where, "filter pipeline", layout.at(), "filters on " + (layout.compact() ? "compact" : "contiguous")
                        + " data; allowed: filters on chunked data only");
            }
            Hdf5Dataset dataset = new Hdf5Dataset(where, file, heap, header, List.of());
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

        /** A chunked dataset: its chunk shape checked against its shape and type, its index read, its decoded size spent. */
        private Hdf5Dataset chunked(Location where, ObjectHeader header, long needed) throws CheckpointFormatException {
            DataLayout layout = header.layout();
            long[] chunk = layout.chunk();
            if (chunk.length != header.shape().rank()) {
                throw file.error(where, "chunk dimensionality", layout.at(), chunk.length + " chunk dimensions for a dataset of rank "
                        + header.shape().rank() + "; allowed: the same");
            }
            if (layout.chunkElementBytes() != header.datatype().elementBytes()) {
                throw file.error(where, "chunk element size", layout.at(), layout.chunkElementBytes() + " bytes; allowed: the datatype's "
                        + header.datatype().elementBytes());
            }
            long elements = 1;
            for (long c : chunk) {
                elements = LoadLimits.elementsTimes(elements, c);
                if (elements < 0) {
                    throw file.error(where, "chunk dimensions", layout.at(), "chunks of " + java.util.Arrays.toString(chunk) + " have more than "
                            + LoadLimits.MAX_ELEMENTS + " elements");
                }
            }
            long chunkBytes = elements * header.datatype().elementBytes();
            if (chunkBytes > LoadLimits.MAX_ELEMENTS) {
                throw file.error(where, "chunk dimensions", layout.at(), "chunks of " + chunkBytes + " bytes; allowed: at most "
                        + LoadLimits.MAX_ELEMENTS);
            }
            if (needed > LoadLimits.MAX_ELEMENTS) {
                throw file.error(where, "dataspace", layout.at(), header.shape() + " elements of " + header.datatype().elementBytes()
                        + " bytes take " + needed + "; allowed: at most " + LoadLimits.MAX_ELEMENTS + " bytes of chunked data (one Java array)");
            }
            long[] dims = new long[chunk.length];
            for (int d = 0; d < dims.length; d++) {
                dims[d] = header.shape().dim(d);
            }
            long[] maxima = Dataspace.maxima(file, header.dataspaceAt(), header.shape(), where);
            List<ChunkIndex.Chunk> chunks = ChunkIndex.read(file, where, layout, dims, maxima, chunkBytes,
                    !header.filters().isEmpty(), chunkK);
            if (!chunks.isEmpty()) {
                file.spendDecoded(needed + (header.filters().isEmpty() ? 1 : 2) * chunkBytes, where, "chunked data", layout.at());
            }
            return new Hdf5Dataset(where, file, heap, header, chunks);
        }
    }
}
