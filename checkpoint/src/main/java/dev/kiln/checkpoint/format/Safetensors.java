package dev.kiln.checkpoint.format;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.BinaryReader;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.checkpoint.io.MetadataSection;
import dev.kiln.engine.json.JsonWriter;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face), for exchanging weights with PyTorch and others: a u64
 * little-endian header length N, N bytes of JSON ({@code name: {dtype, shape, data_offsets}} and
 * an optional {@code __metadata__} of strings), then the raw little-endian tensor bytes. Kiln
 * writes F32; it reads F32, F64, F16 and BF16 (converted to float32). The reader checks, before
 * allocating, that the header fits the file, that every range lies in the data, matches its
 * shape and dtype, and that the ranges tile the data without gaps or overlaps.
 */
public final class Safetensors {

    /** The tensors, in file order, and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    private record Range(String name, String dtype, Shape shape, long begin, long end) {}

    private Safetensors() {}

    /** Writes the tensors as F32, in map order, with the string metadata (none when empty), through {@code writer}. */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata, AtomicFileWriter writer)
            throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put("__metadata__", new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            long bytes = 4L * entry.getValue().size();
            List<Object> shape = new ArrayList<>();
            for (int dim : entry.getValue().shape().toArray()) {
                shape.add((long) dim);
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, offset + bytes));
            header.put(entry.getKey(), info);
            offset += bytes;
        }
        byte[] json = JsonWriter.write(header).getBytes(StandardCharsets.UTF_8);
        // The format suggests padding the header with spaces to a multiple of 8, so data is aligned.
        int padded = (json.length + 7) / 8 * 8;
        writer.write(path, channel -> {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            TensorFile.writeAll(channel, head.flip());
            ByteBuffer chunk = TensorFile.chunk();
            for (Tensor tensor : tensors.values()) {
                TensorFile.writeFloats(channel, tensor.data(), chunk, null);
            }
        });
    }

    /**
     * Reads and checks a safetensors file; a malformed one is a {@link
     * dev.kiln.checkpoint.io.CheckpointFormatException} naming the file and field.
     */
    public static Contents read(Path path) throws IOException {
        String file = path.toString();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > LoadLimits.MAX_FILE_BYTES) {
                throw error(file, "file", "is " + size + " bytes; Kiln reads safetensors files of up to " + LoadLimits.MAX_FILE_BYTES
                        + " bytes");
            }
            if (size < 8) {
                throw error(file, "header length", "the file has " + size + " bytes, fewer than the 8 of the header length");
            }
            ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = bytes.getLong(0);
            if (headerLength < 2 || headerLength > Math.min(LoadLimits.MAX_METADATA_BYTES, size - 8)) {
                throw error(file, "header length", Long.toUnsignedString(headerLength) + " does not fit a file of " + size
                        + " bytes (limit " + LoadLimits.MAX_METADATA_BYTES + ")");
            }
            String headerText = new BinaryReader(bytes, file).section("header").seek(8, "header").utf8(headerLength, "text");
            List<Range> ranges = new ArrayList<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            parseHeader(headerText, file, ranges, metadata);
            long dataStart = 8 + headerLength;
            checkTiling(ranges, size - dataStart, file);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Range range : ranges) {
                tensors.put(range.name(), decode(bytes, dataStart, range));
            }
            return new Contents(tensors, metadata);
        }
    }

    private static void parseHeader(String headerText, String file, List<Range> ranges, Map<String, String> metadata)
            throws CheckpointFormatException {
        MetadataSection header = MetadataSection.parse(headerText.stripTrailing(), file, "header");
        for (String name : header.keys()) {
            MetadataSection info = header.object(name);
            if (name.equals("__metadata__")) {
                for (String key : info.keys()) {
                    metadata.put(key, info.string(key));
                }
                continue;
            }
            String dtype = info.choice("dtype", List.of("F32", "F64", "F16", "BF16"));
            List<?> dims = info.list("shape");
            if (dims.size() > LoadLimits.MAX_RANK) {
                throw info.invalid("shape", dims, "at most " + LoadLimits.MAX_RANK + " dimensions");
            }
            int[] shape = new int[dims.size()];
            long elements = 1;
            for (int d = 0; d < shape.length; d++) {
                long dim = wholeNumber(info, "shape", d, dims.get(d));
                elements = LoadLimits.elementsTimes(elements, dim);
                if (elements < 0 || dim > LoadLimits.MAX_ELEMENTS) {
                    throw info.invalid("shape", dims, "at most " + LoadLimits.MAX_ELEMENTS + " elements");
                }
                shape[d] = (int) dim;
            }
            List<?> offsets = info.list("data_offsets");
            if (offsets.size() != 2) {
                throw info.invalid("data_offsets", offsets, "a list of two byte offsets [begin, end]");
            }
            long begin = wholeNumber(info, "data_offsets", 0, offsets.get(0));
            long end = wholeNumber(info, "data_offsets", 1, offsets.get(1));
            long needed = elements * width(dtype);
            if (end < begin || end - begin != needed) {
                throw info.invalid("data_offsets", offsets, "offsets " + needed + " bytes apart (" + dtype + " of shape " + dims
                        + " needs " + needed + " bytes)");
            }
            ranges.add(new Range(name, dtype, Shape.of(shape), begin, end));
        }
    }

    private static long wholeNumber(MetadataSection info, String key, int index, Object value) throws CheckpointFormatException {
        if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() >= 0) {
            return ((Number) value).longValue();
        }
        throw info.invalidItem(key, index, value, "a whole number >= 0");
    }

    /** Ranges sorted by offset must cover [0, dataLength) exactly: no gap, no overlap, nothing after. */
    private static void checkTiling(List<Range> ranges, long dataLength, String file) throws CheckpointFormatException {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(Range::begin));
        long at = 0;
        for (Range range : sorted) {
            if (range.begin() != at) {
                throw error(file, "tensor " + range.name(), "starts at data byte " + range.begin() + " but the previous tensor ends at "
                        + at + (range.begin() < at ? " (overlap)" : " (gap)"));
            }
            at = range.end();
        }
        if (at != dataLength) {
            throw error(file, "data", "the tensors cover " + at + " bytes but the file holds " + dataLength + " bytes of data");
        }
    }

    private static Tensor decode(ByteBuffer bytes, long dataStart, Range range) {
        int n = range.shape().size();
        float[] values = new float[n];
        int base = Math.toIntExact(dataStart + range.begin());
        for (int i = 0; i < n; i++) {
            values[i] = switch (range.dtype()) {
                case "F32" -> bytes.getFloat(base + 4 * i);
                case "F64" -> (float) bytes.getDouble(base + 8 * i);
                case "F16" -> Float.float16ToFloat(bytes.getShort(base + 2 * i));
                case "BF16" -> Float.intBitsToFloat((bytes.getShort(base + 2 * i) & 0xFFFF) << 16);
                default -> throw new IllegalStateException(range.dtype());
            };
        }
        return Tensor.wrap(values, range.shape());
    }

    private static int width(String dtype) {
        return switch (dtype) {
            case "F32" -> 4;
            case "F64" -> 8;
            case "F16", "BF16" -> 2;
            default -> throw new IllegalStateException("dtype " + dtype + " passed the header check");
        };
    }

    private static CheckpointFormatException error(String file, String section, String problem) {
        return new CheckpointFormatException(file + ": " + section + ": " + problem);
    }
}
