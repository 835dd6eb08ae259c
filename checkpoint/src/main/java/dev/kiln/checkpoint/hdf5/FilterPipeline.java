package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A filter pipeline message (HDF5 spec IV.A.2.l), versions 1 and 2, and the decoding of one chunk
 * through it. Kiln reads the filters h5py offers without plugins and Keras users pass: deflate
 * (gzip, inflated by {@link Inflater} into a buffer of the chunk's declared size, so a stream that
 * inflates to more is refused, never inflated), shuffle, and Fletcher-32 (verified). Any other
 * filter (SZIP, N-bit, scale-offset, LZF, Blosc, ...) is refused by its number and name.
 */
record FilterPipeline(List<Filter> filters) {
    /** A pipeline of no filters. */
    static final FilterPipeline NONE = new FilterPipeline(List.of());
    static final int DEFLATE = 1;
    static final int SHUFFLE = 2;
    static final int FLETCHER32 = 3;
    private static final int MAX_FILTERS = 32;

    /** One filter: its number, and where it stands (for errors). */
    record Filter(int id, long at) {}

    /** Reads the filter pipeline message of {@code length} bytes at {@code at}. */
    static FilterPipeline read(FileBytes file, long at, int length, Location where) throws CheckpointFormatException {
        long end = at + length;
        int version = file.u8(at, where, "filter pipeline version");
        if (version != 1 && version != 2) {
            throw file.error(where, "filter pipeline version", at, "version " + version + "; allowed: 1 or 2");
        }
        int count = file.u8(at + 1, where, "filter count");
        if (count > MAX_FILTERS) {
            throw file.error(where, "filter count", at + 1, count + " filters; allowed: at most " + MAX_FILTERS);
        }
        List<Filter> filters = new ArrayList<>();
        long p = at + (version == 1 ? 8 : 2);
        for (int i = 0; i < count; i++) {
            long start = p;
            if (end - p < 6) {
                throw file.error(where, "filter pipeline", at, "is " + length + " bytes, too few for its " + count + " filters");
            }
            int id = file.u16(p, where, "filter number");
            int nameLength = version == 1 || id >= 256 ? file.u16(p + 2, where, "filter name length") : 0;
            p += version == 1 || id >= 256 ? 4 : 2;
            p += 2; // flags: an optional filter may be skipped for a chunk, which the chunk's filter mask says
            int values = file.u16(p, where, "filter client data count");
            p += 2;
            long name = p;
            p += version == 1 ? (nameLength + 7L) & ~7L : nameLength;
            long data = p;
            p += 4L * values + (version == 1 && values % 2 == 1 ? 4 : 0);
            if (p > end) {
                throw file.error(where, "filter " + i, start, "needs " + (p - start) + " bytes but the message has " + (end - start) + " left");
            }
            switch (id) {
                case DEFLATE, SHUFFLE, FLETCHER32 -> filters.add(new Filter(id, start));
                default -> throw file.error(where, "filter " + i, start, "filter " + id + described(file, id, name, nameLength, where)
                        + " is not supported; allowed: 1 (deflate, gzip), 2 (shuffle), 3 (Fletcher-32)");
            }
            if (id == DEFLATE && values > 0 && file.u32(data, where, "deflate level") > 9) {
                throw file.error(where, "deflate level", data, file.u32(data, where, "deflate level") + "; allowed: 0 to 9");
            }
        }
        return new FilterPipeline(List.copyOf(filters));
    }

    /** Whether there are no filters. */
    boolean isEmpty() {
        return filters.isEmpty();
    }

    /**
     * Decodes a chunk stored in {@code stored} (its filters applied in order when written, undone
     * here in reverse, those whose bit {@code mask} sets skipped) into {@code out}, which has the
     * chunk's declared size; {@code elementBytes} is the shuffle's element size. Fails unless the
     * chunk decodes to exactly {@code out.length} bytes.
     */
    void decode(FileBytes file, ByteBuffer stored, long mask, byte[] out, byte[] scratch, int elementBytes, Location where, long at)
            throws CheckpointFormatException {
        byte[] current = null; // null: the bytes are still those of stored, a view of the file
        int length = stored.remaining();
        for (int i = filters.size() - 1; i >= 0; i--) {
            if ((mask >>> i & 1) != 0) {
                continue;
            }
            Filter filter = filters.get(i);
            switch (filter.id()) {
                case FLETCHER32 -> length = fletcher32(file, current == null ? stored : ByteBuffer.wrap(current, 0, length), where, at);
                case DEFLATE -> {
                    byte[] target = current == out ? scratch : out;
                    length = inflate(file, current == null ? stored.slice(0, length) : ByteBuffer.wrap(current, 0, length), target, where, at);
                    current = target;
                }
                default -> { // shuffle
                    if (current == null) {
                        current = copy(stored, length, scratch, file, where, at);
                    }
                    byte[] target = current == out ? scratch : out;
                    unshuffle(current, target, length, elementBytes);
                    current = target;
                }
            }
        }
        if (length != out.length) {
            throw file.error(where, "chunk", at, "decodes to " + length + " bytes; allowed: the chunk's " + out.length);
        }
        if (current == null) {
            stored.get(0, out, 0, length);
        } else if (current != out) {
            System.arraycopy(current, 0, out, 0, length);
        }
    }

    private static byte[] copy(ByteBuffer stored, int length, byte[] target, FileBytes file, Location where, long at)
            throws CheckpointFormatException {
        if (length > target.length) {
            throw file.error(where, "chunk", at, "holds " + length + " bytes before shuffling; allowed: the chunk's " + target.length);
        }
        stored.get(0, target, 0, length);
        return target;
    }

    /** Inflates {@code in} into {@code out}; more output than {@code out} holds is a bomb, refused without inflating further. */
    private static int inflate(FileBytes file, ByteBuffer in, byte[] out, Location where, long at) throws CheckpointFormatException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(in);
            int length = 0;
            while (length < out.length && !inflater.finished()) {
                int n = inflater.inflate(out, length, out.length - length);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw file.error(where, "deflate stream", at, "ends after " + length + " bytes of output without its end mark; allowed:"
                            + " a whole deflate stream");
                }
                length += n;
            }
            if (!inflater.finished()) { // the output is full: one more byte is a bomb, anything else must end the stream
                if (inflater.inflate(new byte[1]) > 0) {
                    throw file.error(where, "deflate stream", at, "inflates to more than the chunk's " + out.length + " bytes; refused as a"
                            + " compression bomb");
                }
                if (!inflater.finished()) {
                    throw file.error(where, "deflate stream", at, "does not end after the chunk's " + out.length + " bytes; allowed: a"
                            + " whole deflate stream");
                }
            }
            return length;
        } catch (DataFormatException e) {
            throw file.error(where, "deflate stream", at, "is not valid deflate data (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
    }

    private static void unshuffle(byte[] in, byte[] out, int length, int elementBytes) {
        int elements = length / elementBytes;
        if (elementBytes <= 1 || elements <= 1) {
            System.arraycopy(in, 0, out, 0, length);
            return;
        }
        for (int b = 0; b < elementBytes; b++) {
            for (int e = 0; e < elements; e++) {
                out[e * elementBytes + b] = in[b * elements + e];
            }
        }
        int tail = elements * elementBytes;
        System.arraycopy(in, tail, out, tail, length - tail);
    }

    /** Verifies the Fletcher-32 checksum in the last 4 bytes of {@code data} (either byte order, as HDF5 accepts) and drops it. */
    private static int fletcher32(FileBytes file, ByteBuffer data, Location where, long at) throws CheckpointFormatException {
        int length = data.remaining();
        if (length < 4) {
            throw file.error(where, "Fletcher-32 checksum", at, "the chunk has " + length + " bytes, fewer than its 4-byte checksum");
        }
        int n = length - 4;
        long sum1 = 0;
        long sum2 = 0;
        int i = 0;
        while (i + 1 < n) {
            int words = Math.min((n - i) / 2, 360);
            for (int w = 0; w < words; w++, i += 2) {
                sum1 += (data.get(data.position() + i) & 0xFF) << 8 | data.get(data.position() + i + 1) & 0xFF;
                sum2 += sum1;
            }
            sum1 = (sum1 & 0xFFFF) + (sum1 >>> 16);
            sum2 = (sum2 & 0xFFFF) + (sum2 >>> 16);
        }
        if (i < n) {
            sum1 += (data.get(data.position() + i) & 0xFF) << 8;
            sum2 += sum1;
            sum1 = (sum1 & 0xFFFF) + (sum1 >>> 16);
            sum2 = (sum2 & 0xFFFF) + (sum2 >>> 16);
        }
        sum1 = (sum1 & 0xFFFF) + (sum1 >>> 16);
        sum2 = (sum2 & 0xFFFF) + (sum2 >>> 16);
        long computed = sum2 << 16 | sum1;
        int p = data.position() + n;
        long little = (data.get(p) & 0xFFL) | (data.get(p + 1) & 0xFFL) << 8 | (data.get(p + 2) & 0xFFL) << 16 | (data.get(p + 3) & 0xFFL) << 24;
        long big = Long.reverseBytes(little) >>> 32;
        if (computed != little && computed != big) {
            throw file.error(where, "Fletcher-32 checksum", at, String.format("stored %08x, but the chunk's %d bytes sum to %08x; allowed: the"
                    + " checksum of the bytes (the chunk was changed or damaged)", little, n, computed));
        }
        return n;
    }

    private static String described(FileBytes file, int id, long name, int nameLength, Location where) throws CheckpointFormatException {
        String known = switch (id) {
            case 4 -> "SZIP";
            case 5 -> "N-bit";
            case 6 -> "scale-offset";
            case 32000 -> "LZF";
            case 32001 -> "Blosc";
            case 32004 -> "LZ4";
            case 32008 -> "bitshuffle";
            case 32015 -> "Zstandard";
            default -> null;
        };
        if (known != null) {
            return " (" + known + ")";
        }
        if (nameLength <= 1) {
            return "";
        }
        StringBuilder out = new StringBuilder(" (\"");
        for (int i = 0; i < Math.min(nameLength, 40); i++) {
            int c = file.u8(name + i, where, "filter name");
            if (c == 0) {
                break;
            }
            out.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return out.append("\")").toString();
    }
}
