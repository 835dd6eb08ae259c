package dev.kiln.checkpoint.hdf5;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The global heap collections that hold the file's variable-length strings, written together
 * before the objects that refer to them. Strings fill collections of 4 KiB, HDF5's smallest, in
 * the order given; a string that does not fit starts a new collection, as large as it needs (a
 * Keras 2 {@code model_config} of 100 KB is one object), and a collection's unused end is its free
 * space object (index 0). Each string is an object of its own (index 1, 2, ...), as HDF5 writes.
 */
final class GlobalHeapWriter {
    private static final int MIN_COLLECTION = 4096;
    private static final int HEADER = 16;
    private static final int OBJECT_HEADER = 16;
    private static final int MAX_OBJECTS = 65535;

    private final Map<Hdf5Value, long[]> references = new IdentityHashMap<>();
    private final List<byte[]> pending = new ArrayList<>();
    private final List<Hdf5Value> pendingOwners = new ArrayList<>();

    /** Takes the strings of {@code value} (a variable-length string value) into the heap; a value given again is stored once. */
    void add(Hdf5Value value) {
        if (value.kind() == Hdf5Value.Kind.VARIABLE_STRING && !references.containsKey(value)) {
            references.put(value, null);
            for (String string : value.strings()) {
                pending.add(string.getBytes(StandardCharsets.UTF_8));
                pendingOwners.add(value);
            }
        }
    }

    /** Writes every collection at the sink's position and records where each string went. */
    void write(ByteSink out) {
        Map<Hdf5Value, List<Long>> placed = new IdentityHashMap<>();
        int next = 0;
        while (next < pending.size()) {
            out.align8();
            long start = out.position();
            int firstSize = objectSize(pending.get(next));
            long capacity = Math.max(MIN_COLLECTION, (long) HEADER + firstSize);
            out.ascii("GCOL");
            out.u8(1);
            out.skip(3);
            long sizeField = out.position();
            out.u64(0);
            long used = HEADER;
            int index = 0;
            while (next < pending.size() && index < MAX_OBJECTS && used + objectSize(pending.get(next)) <= capacity) {
                byte[] string = pending.get(next);
                index++;
                out.u16(index);
                out.u16(0);         // reference count: h5py leaves it 0
                out.u32(0);
                out.u64(string.length);
                out.bytes(string);
                out.align8();
                used += objectSize(string);
                placed.computeIfAbsent(pendingOwners.get(next), v -> new ArrayList<>()).add(start << 16 | index);
                next++;
            }
            long free = capacity - used;
            if (free == 8) {        // too small for the free space object's header: grow the collection to hold one
                free += 8;
            }
            if (free > 0) {
                out.u16(0);
                out.u16(0);
                out.u32(0);
                out.u64(free);      // the free space object's size counts its own header
                out.skip((int) free - OBJECT_HEADER);
            }
            out.patch64(sizeField, used + free);
        }
        for (Map.Entry<Hdf5Value, List<Long>> entry : placed.entrySet()) {
            references.put(entry.getKey(), entry.getValue().stream().mapToLong(Long::longValue).toArray());
        }
    }

    /** The raw attribute value of {@code value}: per string its length, its collection's address and its index. */
    byte[] references(Hdf5Value value) {
        long[] placed = references.get(value);
        List<String> strings = value.strings();
        ByteSink out = new ByteSink();
        for (int i = 0; i < strings.size(); i++) {
            out.u32(strings.get(i).getBytes(StandardCharsets.UTF_8).length);
            out.u64(placed[i] >>> 16);
            out.u32(placed[i] & 0xFFFF);
        }
        return out.toArray();
    }

    private static int objectSize(byte[] string) {
        return OBJECT_HEADER + HeaderMessageEncoder.padded(string.length);
    }
}
