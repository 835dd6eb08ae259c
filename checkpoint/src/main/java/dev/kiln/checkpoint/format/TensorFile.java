package dev.kiln.checkpoint.format;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.BinaryReader;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The container of a Kiln checkpoint, version 1 (checkpoint/FORMAT.md): a header, a metadata
 * section (UTF-8 text), a tensor table, 64-byte-aligned float32 tensor data and a footer, all
 * little-endian, every tensor and the header and table guarded by CRC32C. The reader validates
 * every size and offset against the file before it allocates anything, and refuses files that
 * need a newer reader.
 */
public final class TensorFile {
    static final byte[] MAGIC = {'K', 'I', 'L', 'N', '\r', '\n', 0x1A, '\n'};
    static final byte[] FOOTER_MAGIC = {'K', 'I', 'L', 'N', 'E', 'N', 'D', 0};
    /** The format version this build writes. */
    public static final int FORMAT_VERSION = 1;
    /** The newest format this build reads. */
    public static final int READER_VERSION = 1;
    static final int HEADER_SIZE = 64;
    static final int FOOTER_SIZE = 16;
    static final int ALIGNMENT = 64;
    static final byte DTYPE_FLOAT32 = 1;

    /** A tensor's entry in the table. */
    public record Entry(String name, Shape shape, long offset, long length, int crc) {}

    /** A file's contents: metadata text and tensors by name, in table order. */
    public record Contents(int formatVersion, String metadata, Map<String, Tensor> tensors) {}

    /** The header and table only (what inspect prints), read without touching tensor data. */
    public record Layout(int formatVersion, int minReaderVersion, String metadata, List<Entry> entries, long fileSize) {}

    private TensorFile() {}

    /**
     * Writes the data section first (each tensor converted to little-endian bytes once, its CRC
     * computed on the same bytes), then goes back for the header, metadata and table, whose
     * sizes do not depend on the CRCs.
     */
    public static void write(Path path, String metadata, Map<String, Tensor> tensors, AtomicFileWriter writer) throws IOException {
        byte[] metadataBytes = metadata.getBytes(StandardCharsets.UTF_8);
        if (metadataBytes.length > LoadLimits.MAX_METADATA_BYTES) { // never write a file no reader would read
            throw new IllegalArgumentException(path + ": metadata of " + metadataBytes.length + " bytes exceeds the limit of "
                    + LoadLimits.MAX_METADATA_BYTES);
        }
        List<Entry> entries = new ArrayList<>();
        long dataLength = 0;
        for (Map.Entry<String, Tensor> named : tensors.entrySet()) {
            Tensor tensor = named.getValue();
            long length = 4L * tensor.size();
            entries.add(new Entry(named.getKey(), tensor.shape(), dataLength, length, 0));
            dataLength = align(dataLength + length);
        }
        long tableOffset = HEADER_SIZE + metadataBytes.length;
        long tableLength = table(entries).length;
        long dataOffset = align(tableOffset + tableLength);
        long fileSize = dataOffset + dataLength + FOOTER_SIZE;
        writer.write(path, channel -> {
            channel.position(dataOffset);
            ByteBuffer chunk = chunk();
            List<Entry> written = new ArrayList<>();
            for (Entry entry : entries) {
                CRC32C crc = new CRC32C();
                writeFloats(channel, tensors.get(entry.name()).data(), chunk, crc);
                written.add(new Entry(entry.name(), entry.shape(), entry.offset(), entry.length(), (int) crc.getValue()));
                writeAll(channel, ByteBuffer.allocate((int) (align(entry.length()) - entry.length())));
            }
            ByteBuffer footer = ByteBuffer.allocate(FOOTER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            footer.put(FOOTER_MAGIC).putLong(fileSize).flip();
            writeAll(channel, footer);
            byte[] table = table(written);
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            header.put(MAGIC).putInt(FORMAT_VERSION).putInt(READER_VERSION)
                    .putLong(HEADER_SIZE).putLong(metadataBytes.length)
                    .putLong(tableOffset).putLong(table.length).putLong(dataOffset)
                    .putInt(crc(metadataBytes, 0, metadataBytes.length));
            header.putInt(crc(header.array(), 0, header.position()));
            channel.position(0);
            writeAll(channel, ByteBuffer.wrap(header.array()));
            writeAll(channel, ByteBuffer.wrap(metadataBytes));
            writeAll(channel, ByteBuffer.wrap(table));
            writeAll(channel, ByteBuffer.allocate((int) (dataOffset - tableOffset - table.length)));
        });
    }

    /** Reads and verifies everything: structure, every CRC. */
    public static Contents read(Path path) throws IOException {
        ByteBuffer bytes = map(path);
        Layout layout = layout(bytes, path.toString());
        BinaryReader reader = new BinaryReader(bytes, path.toString()).section("tensor data");
        long dataOffset = bytes.order(ByteOrder.LITTLE_ENDIAN).getLong(48);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        // Tensor data is read with plain reads into one direct buffer, not through the mapping:
        // a mapping faults page by page, which costs more than the copy (measured in CheckpointBenchmark).
        ByteBuffer chunk = chunk();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            for (Entry entry : layout.entries()) {
                reader.seek(dataOffset + entry.offset(), "tensor " + entry.name());
                float[] data = new float[entry.shape().size()];
                CRC32C crc = new CRC32C();
                long position = dataOffset + entry.offset();
                for (int at = 0; at < data.length; ) {
                    int count = Math.min(data.length - at, chunk.capacity() / 4);
                    chunk.clear().limit(count * 4);
                    while (chunk.hasRemaining()) {
                        if (channel.read(chunk, position + chunk.position()) < 0) {
                            throw reader.error("tensor " + entry.name(), "the file ended while reading it (changed since it was opened?)");
                        }
                    }
                    chunk.flip();
                    crc.update(chunk.duplicate());
                    chunk.asFloatBuffer().get(data, at, count);
                    position += 4L * count;
                    at += count;
                }
                if ((int) crc.getValue() != entry.crc()) {
                    throw reader.error("tensor " + entry.name(), "CRC32C mismatch: the data is corrupt");
                }
                tensors.put(entry.name(), Tensor.wrap(data, entry.shape()));
            }
        }
        return new Contents(layout.formatVersion(), layout.metadata(), tensors);
    }

    /** Reads the header, metadata and table (validated) without reading tensor data. */
    public static Layout inspect(Path path) throws IOException {
        return layout(map(path), path.toString());
    }

    private static Layout layout(ByteBuffer bytes, String file) throws CheckpointFormatException {
        BinaryReader reader = new BinaryReader(bytes, file);
        long size = reader.size();
        if (size < HEADER_SIZE + FOOTER_SIZE) {
            throw reader.error("file", "is " + size + " bytes, smaller than a header and a footer: not a Kiln checkpoint");
        }
        byte[] magic = reader.bytes(8, "magic");
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw reader.error("magic", "not a Kiln checkpoint (the file does not start with KILN)");
        }
        int version = reader.u32("format version");
        int minReader = reader.u32("minimum reader version");
        if (minReader > READER_VERSION) {
            throw reader.error("minimum reader version", "the file is format " + version + " and needs a reader of version "
                    + minReader + "; this build reads versions 1 to " + READER_VERSION);
        }
        long metadataOffset = reader.u64("metadata offset");
        long metadataLength = reader.u64("metadata length");
        long tableOffset = reader.u64("table offset");
        long tableLength = reader.u64("table length");
        long dataOffset = reader.u64("data offset");
        int metadataCrc = reader.u32("metadata CRC32C");
        int headerCrc = reader.u32("header CRC32C");
        if (headerCrc != crc(bytesOf(bytes, 0, 60), 0, 60)) {
            throw reader.error("header CRC32C", "mismatch: the header is corrupt");
        }
        long dataEnd = size - FOOTER_SIZE;
        if (metadataOffset != HEADER_SIZE || metadataLength > LoadLimits.MAX_METADATA_BYTES
                || tableOffset != metadataOffset + metadataLength || tableLength < 8
                || dataOffset < tableOffset + tableLength || dataOffset % ALIGNMENT != 0 || dataOffset > dataEnd) {
            throw reader.error("section offsets", "metadata [" + metadataOffset + ", +" + metadataLength + "), table ["
                    + tableOffset + ", +" + tableLength + "), data from " + dataOffset + " do not fit a file of " + size + " bytes");
        }
        reader.seek(dataEnd, "footer").section("footer");
        if (!java.util.Arrays.equals(reader.bytes(8, "magic"), FOOTER_MAGIC)) {
            throw reader.error("magic", "missing: the file is truncated or has trailing bytes");
        }
        long recorded = reader.u64("file length");
        if (recorded != size) {
            throw reader.error("file length", "records " + recorded + " bytes but the file has " + size);
        }
        reader.seek(metadataOffset, "metadata").section("metadata");
        byte[] metadataBytes = reader.bytes(metadataLength, "text");
        if (crc(metadataBytes, 0, metadataBytes.length) != metadataCrc) {
            throw reader.error("text", "CRC32C mismatch: the metadata is corrupt");
        }
        String metadata = new BinaryReader(ByteBuffer.wrap(metadataBytes), file, metadataOffset).section("metadata").utf8(metadataLength, "text");
        reader.seek(tableOffset, "table").section("tensor table");
        byte[] table = reader.bytes(tableLength, "table");
        return new Layout(version, minReader, metadata, entries(table, tableOffset, dataEnd - dataOffset, file), size);
    }

    private static List<Entry> entries(byte[] table, long tableOffset, long dataLength, String file) throws CheckpointFormatException {
        BinaryReader reader = new BinaryReader(ByteBuffer.wrap(table), file, tableOffset)
                .section("tensor table");
        int storedCrc = ByteBuffer.wrap(table, table.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (storedCrc != crc(table, 0, table.length - 4)) {
            throw reader.error("table CRC32C", "mismatch: the table is corrupt");
        }
        long count = Integer.toUnsignedLong(reader.u32("tensor count"));
        if (count > table.length / 33) { // each entry takes at least 33 bytes
            throw reader.error("tensor count", count + " entries cannot fit in a table of " + table.length + " bytes");
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (long i = 0; i < count; i++) {
            String name = reader.string("name of tensor " + i, LoadLimits.MAX_NAME_BYTES);
            if (!names.add(name)) {
                throw reader.error("name of tensor " + i, "'" + name + "' appears twice");
            }
            int dtype = reader.bytes(1, "dtype of " + name)[0];
            if (dtype != DTYPE_FLOAT32) {
                throw reader.error("dtype of " + name, "unknown dtype " + dtype + " (this build reads float32 = 1)");
            }
            long rank = Integer.toUnsignedLong(reader.u32("rank of " + name));
            if (rank > LoadLimits.MAX_RANK) {
                throw reader.error("rank of " + name, rank + " exceeds " + LoadLimits.MAX_RANK);
            }
            int[] dims = new int[(int) rank];
            long elements = 1;
            for (int d = 0; d < rank; d++) {
                long dim = reader.u64("dimension " + d + " of " + name);
                elements = LoadLimits.elementsTimes(elements, dim);
                if (elements < 0) {
                    throw reader.error("shape of " + name, "has more elements than a tensor can hold");
                }
                dims[d] = (int) dim;
            }
            long offset = reader.u64("offset of " + name);
            long length = reader.u64("length of " + name);
            int crc = reader.u32("CRC32C of " + name);
            if (length != elements * 4 || offset % ALIGNMENT != 0 || offset > dataLength || length > dataLength - offset) {
                throw reader.error("range of " + name, "[" + offset + ", +" + length + ") for " + elements
                        + " floats does not fit the data section of " + dataLength + " bytes (or is misaligned)");
            }
            entries.add(new Entry(name, Shape.of(dims), offset, length, crc));
        }
        if (reader.position() != table.length - 4) {
            throw reader.error("table", (table.length - 4 - reader.position()) + " unexplained bytes after the last entry");
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::offset));
        for (int i = 1; i < byOffset.size(); i++) {
            Entry before = byOffset.get(i - 1);
            if (before.offset() + before.length() > byOffset.get(i).offset()) {
                throw reader.error("range of " + byOffset.get(i).name(), "overlaps tensor " + before.name());
            }
        }
        return entries;
    }

    private static byte[] table(List<Entry> entries) {
        ByteBuffer buffer = ByteBuffer.allocate(table(entries, null)).order(ByteOrder.LITTLE_ENDIAN);
        table(entries, buffer);
        buffer.putInt(crc(buffer.array(), 0, buffer.position()));
        return buffer.array();
    }

    /** Writes the entries into {@code buffer} (if not null); returns the table's size, CRC included. */
    private static int table(List<Entry> entries, ByteBuffer buffer) {
        int size = 4;
        if (buffer != null) {
            buffer.putInt(entries.size());
        }
        for (Entry entry : entries) {
            byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
            int[] dims = entry.shape().toArray();
            size += 4 + name.length + 1 + 4 + 8 * dims.length + 8 + 8 + 4;
            if (buffer != null) {
                buffer.putInt(name.length).put(name).put(DTYPE_FLOAT32).putInt(dims.length);
                for (int dim : dims) {
                    buffer.putLong(dim);
                }
                buffer.putLong(entry.offset()).putLong(entry.length()).putInt(entry.crc());
            }
        }
        return size + 4;
    }

    private static ByteBuffer map(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString(), null, "no checkpoint file here");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > LoadLimits.MAX_FILE_BYTES) {
                throw new CheckpointFormatException(path + ": file is " + size + " bytes; this build reads checkpoints of up to "
                        + LoadLimits.MAX_FILE_BYTES + " bytes");
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }

    /** The buffer floats go through on their way to and from a file: direct, so the channel copies once. */
    static ByteBuffer chunk() {
        return ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Writes {@code data} as little-endian float32 through {@code chunk}, each float converted once;
     * {@code crc} (may be null) is updated with exactly the bytes written.
     */
    static void writeFloats(FileChannel channel, float[] data, ByteBuffer chunk, CRC32C crc) throws IOException {
        for (int at = 0; at < data.length; ) {
            int count = Math.min(data.length - at, chunk.capacity() / 4);
            chunk.clear();
            chunk.asFloatBuffer().put(data, at, count);
            chunk.limit(count * 4);
            if (crc != null) {
                crc.update(chunk);
                chunk.flip();
            }
            writeAll(channel, chunk);
            at += count;
        }
    }

    static void writeAll(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    static long align(long value) {
        return (value + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static byte[] bytesOf(ByteBuffer buffer, int from, int length) {
        byte[] out = new byte[length];
        buffer.duplicate().position(from).get(out);
        return out;
    }

    static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }
}
