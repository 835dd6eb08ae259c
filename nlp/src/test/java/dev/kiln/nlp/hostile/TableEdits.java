package dev.kiln.nlp.hostile;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Random edits of a Kiln file's tensor table and data: shapes (with the byte length kept
 * consistent or not), ranks, names (duplicates, swaps, other namespaces), dtypes, offsets, lost
 * or repeated entries, and tensor bytes re-sealed with a fresh CRC. Each returns what it did.
 */
final class TableEdits {
    private static final long[] DIMS = {0, 1, 2, 3, 4, 63, 64, 65, 128, 255, 256, 999, 1000, 1001, 4096, 1L << 20, 1L << 31,
            1L << 40, -1L};

    private TableEdits() {}

    static String edit(KilnFileEditor file, Random random) {
        List<KilnFileEditor.Entry> entries = file.entries;
        if (entries.isEmpty()) {
            return "no entries";
        }
        KilnFileEditor.Entry entry = entries.get(random.nextInt(entries.size()));
        String name = entry.name();
        switch (random.nextInt(10)) {
            case 0, 1 -> {
                if (entry.dims.length == 0) {
                    return "scalar " + name;
                }
                int axis = random.nextInt(entry.dims.length);
                entry.dims[axis] = DIMS[random.nextInt(DIMS.length)];
                if (random.nextInt(4) > 0) {
                    entry.length = 4 * product(entry.dims);
                }
                return "dims of " + name + " := " + Arrays.toString(entry.dims);
            }
            case 2 -> {
                entry.dims = random.nextBoolean() ? Arrays.copyOf(entry.dims, entry.dims.length + 1 + random.nextInt(8))
                        : Arrays.copyOf(entry.dims, Math.max(0, entry.dims.length - 1));
                for (int d = 0; d < entry.dims.length; d++) {
                    entry.dims[d] = entry.dims[d] == 0 ? 1 : entry.dims[d];
                }
                entry.length = 4 * product(entry.dims);
                return "rank of " + name + " := " + entry.dims.length;
            }
            case 3 -> {
                KilnFileEditor.Entry other = entries.get(random.nextInt(entries.size()));
                byte[] swap = entry.name;
                entry.name = other.name;
                other.name = swap;
                return "swap names " + name + " and " + other.name();
            }
            case 4 -> {
                String[] names = {"weights/x", "optimizer/m/" + name, "callbacks/History/0", name + "/", "", "weights/" + "y".repeat(300),
                        entries.get(random.nextInt(entries.size())).name()};
                entry.name = names[random.nextInt(names.length)].getBytes(StandardCharsets.UTF_8);
                return "rename " + name + " to " + entry.name();
            }
            case 5 -> {
                entry.dtype = random.nextInt(256) - 128;
                return "dtype of " + name + " := " + entry.dtype;
            }
            case 6 -> {
                entry.offset = random.nextBoolean() ? 64L * random.nextInt(1 + (int) (file.data.length / 64)) : random.nextLong() >>> 1;
                return "offset of " + name + " := " + entry.offset;
            }
            case 7 -> {
                if (random.nextBoolean()) {
                    entries.remove(entry);
                    return "drop " + name;
                }
                entries.add(random.nextInt(entries.size() + 1), entry.copy());
                return "repeat " + name;
            }
            case 8 -> {
                Collections.shuffle(entries, random);
                return "shuffle the table";
            }
            default -> {
                if (entry.length <= 0 || entry.offset < 0 || entry.offset > file.data.length || entry.length > file.data.length - entry.offset) {
                    return "no data for " + name;
                }
                int at = (int) (entry.offset + random.nextLong(entry.length));
                file.data[at] = (byte) random.nextInt(256);
                entry.crc = file.dataCrc(entry);
                return "re-sealed byte " + at + " of " + name;
            }
        }
    }

    private static long product(long[] dims) {
        long product = 1;
        for (long dim : dims) {
            product = Math.multiplyHigh(product, dim) != 0 ? Long.MAX_VALUE / 4 : product * dim;
        }
        return product > Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : product;
    }
}
