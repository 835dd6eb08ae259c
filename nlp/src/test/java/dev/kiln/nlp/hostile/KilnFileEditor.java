package dev.kiln.nlp.hostile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A Kiln v1 file taken apart (metadata bytes, tensor table entries, data section) so a test can
 * edit any field and seal it again: every CRC, the section offsets and the footer recomputed, as
 * someone crafting a hostile file would do. Layout as in checkpoint/FORMAT.md.
 */
final class KilnFileEditor {
    /** One tensor table entry, every field editable (dims as unsigned 64-bit values). */
    static final class Entry {
        byte[] name;
        int dtype;
        long[] dims;
        long offset;
        long length;
        int crc;

        Entry copy() {
            Entry copy = new Entry();
            copy.name = name.clone();
            copy.dtype = dtype;
            copy.dims = dims.clone();
            copy.offset = offset;
            copy.length = length;
            copy.crc = crc;
            return copy;
        }

        String name() {
            return new String(name, StandardCharsets.UTF_8);
        }
    }

    private final byte[] header;
    byte[] metadata;
    final List<Entry> entries = new ArrayList<>();
    byte[] data;

    KilnFileEditor(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        header = Arrays.copyOf(file, 64);
        long metadataLength = in.getLong(24);
        long tableOffset = in.getLong(32);
        long tableLength = in.getLong(40);
        long dataOffset = in.getLong(48);
        metadata = Arrays.copyOfRange(file, 64, (int) (64 + metadataLength));
        ByteBuffer table = ByteBuffer.wrap(file, (int) tableOffset, (int) tableLength).slice().order(ByteOrder.LITTLE_ENDIAN);
        int count = table.getInt();
        for (int i = 0; i < count; i++) {
            Entry entry = new Entry();
            entry.name = new byte[table.getInt()];
            table.get(entry.name);
            entry.dtype = table.get();
            entry.dims = new long[table.getInt()];
            for (int d = 0; d < entry.dims.length; d++) {
                entry.dims[d] = table.getLong();
            }
            entry.offset = table.getLong();
            entry.length = table.getLong();
            entry.crc = table.getInt();
            entries.add(entry);
        }
        data = Arrays.copyOfRange(file, (int) dataOffset, file.length - 16);
    }

    String metadataText() {
        return new String(metadata, StandardCharsets.UTF_8);
    }

    /** The file with every checksum, offset and length made consistent again. */
    byte[] seal() {
        ByteBuffer table = ByteBuffer.allocate(tableSize()).order(ByteOrder.LITTLE_ENDIAN);
        table.putInt(entries.size());
        for (Entry entry : entries) {
            table.putInt(entry.name.length).put(entry.name).put((byte) entry.dtype).putInt(entry.dims.length);
            for (long dim : entry.dims) {
                table.putLong(dim);
            }
            table.putLong(entry.offset).putLong(entry.length).putInt(entry.crc);
        }
        table.putInt(crc(table.array(), table.position()));
        long tableOffset = 64L + metadata.length;
        long dataOffset = (tableOffset + table.capacity() + 63) / 64 * 64;
        int size = (int) (dataOffset + data.length + 16);
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.put(header, 0, 16).putLong(64).putLong(metadata.length).putLong(tableOffset).putLong(table.capacity())
                .putLong(dataOffset).putInt(crc(metadata, metadata.length));
        out.putInt(crc(out.array(), 60));
        out.put(metadata).put(table.array());
        out.position((int) dataOffset);
        out.put(data).put("KILNEND\0".getBytes(StandardCharsets.US_ASCII)).putLong(size);
        return out.array();
    }

    /** The CRC32C of a tensor's bytes as they now stand in the data section (for re-sealing edited data). */
    int dataCrc(Entry entry) {
        CRC32C crc = new CRC32C();
        crc.update(data, (int) entry.offset, (int) entry.length);
        return (int) crc.getValue();
    }

    private int tableSize() {
        int size = 8;
        for (Entry entry : entries) {
            size += 4 + entry.name.length + 1 + 4 + 8 * entry.dims.length + 8 + 8 + 4;
        }
        return size;
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
