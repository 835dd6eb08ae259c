package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.testing.DebianPython;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An HDF5 tree as lines, in the form checkpoint/src/test/python/hdf5_dump.py prints what h5py
 * reads: from what was given to the writer ({@link #written}; with detail, attributes by name as h5py
 * lists them), from what Kiln's reader reads
 * ({@link #read}), and from h5py ({@link #h5py}, many files in one python call).
 */
final class TreeLines {
    private static final Path SCRIPT = Path.of("src/test/python/hdf5_dump.py");
    private static final HexFormat HEX = HexFormat.of();

    private TreeLines() {}

    /** The lines h5py should print for the file written from {@code root}; {@code detail} false gives the reader's coarser types. */
    static List<String> written(Hdf5GroupBuilder root, boolean detail) {
        List<String> lines = new ArrayList<>();
        walk(root, lines, detail);
        return lines;
    }

    private static void walk(Hdf5GroupBuilder group, List<String> lines, boolean detail) {
        lines.add("G " + group.path());
        group.attributes().entrySet().stream()
                .sorted(detail ? (a, b) -> Hdf5GroupBuilder.compareBytes(a.getKey(), b.getKey()) : (a, b) -> 0)
                .forEach(e -> lines.add(attribute(group.path(), e.getKey(), e.getValue(), detail)));
        group.children().forEach((name, child) -> {
            String path = group.path().equals("/") ? "/" + name : group.path() + "/" + name;
            switch (child) {
                case Hdf5GroupBuilder subgroup -> walk(subgroup, lines, detail);
                case Hdf5Data data -> lines.add("D " + path + " " + data.dtype() + " " + dims(data.shape().toArray())
                        + (detail ? " contiguous " : " ") + H5pyReference.sha256(data.bytes()));
                default -> throw new IllegalStateException();
            }
        });
    }

    private static String attribute(String path, String name, Hdf5Value value, boolean detail) {
        List<String> cells = new ArrayList<>();
        String type;
        switch (value.kind()) {
            case VARIABLE_STRING, FIXED_STRING -> {
                value.strings().forEach(s -> cells.add(HEX.formatHex(s.getBytes(StandardCharsets.UTF_8))));
                int width = value.strings().stream().mapToInt(String::length).max().orElse(0);
                type = !detail ? value.dtype().toString() : value.kind() == Hdf5Value.Kind.FIXED_STRING
                        ? "fixed-ascii-" + Math.max(1, width) : value.isUtf8() ? "vlen-utf8" : "vlen-ascii";
            }
            case INT64 -> {
                Arrays.stream(value.longs()).forEach(v -> cells.add(le(v)));
                type = "int64";
            }
            case FLOAT64 -> {
                Arrays.stream(value.doubles()).forEach(v -> cells.add(le(Double.doubleToRawLongBits(v))));
                type = "float64";
            }
            default -> throw new IllegalStateException();
        }
        return "A " + path + " @" + name + " " + type + " " + dims(value.shape().toArray()) + " = " + String.join(",", cells);
    }

    /** The lines of a file as Kiln's reader reads it (coarse types: the reader's dtype names). */
    static List<String> read(Hdf5File file) throws CheckpointFormatException {
        List<String> lines = new ArrayList<>();
        walk(file.root(), lines);
        return lines;
    }

    private static void walk(Hdf5Group group, List<String> lines) throws CheckpointFormatException {
        lines.add("G " + group.path());
        for (Hdf5Attribute attribute : group.attributes()) {
            List<String> cells = new ArrayList<>();
            if (attribute.dtype().isString()) {
                attribute.strings().forEach(s -> cells.add(HEX.formatHex(s.getBytes(StandardCharsets.UTF_8))));
            } else if (attribute.dtype().isInteger()) {
                Arrays.stream(attribute.longs()).forEach(v -> cells.add(le(v)));
            } else {
                Arrays.stream(attribute.doubles()).forEach(v -> cells.add(le(Double.doubleToRawLongBits(v))));
            }
            lines.add("A " + group.path() + " @" + attribute.name() + " " + attribute.dtype() + " "
                    + dims(attribute.shape().toArray()) + " = " + String.join(",", cells));
        }
        for (Hdf5Object child : group.children()) {
            switch (child) {
                case Hdf5Group subgroup -> walk(subgroup, lines);
                case Hdf5Dataset dataset -> lines.add("D " + dataset.path() + " " + dataset.dtype() + " "
                        + dims(dataset.shape().toArray()) + " " + H5pyReference.sha256(values(dataset)));
            }
        }
    }

    private static byte[] values(Hdf5Dataset dataset) throws CheckpointFormatException {
        ByteBuffer out;
        switch (dataset.dtype()) {
            case FLOAT32 -> {
                float[] v = dataset.readFloats();
                out = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                out.asFloatBuffer().put(v);
            }
            case FLOAT64 -> {
                double[] v = dataset.readDoubles();
                out = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                out.asDoubleBuffer().put(v);
            }
            case INT32 -> {
                long[] v = dataset.readLongs();
                out = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (long x : v) {
                    out.putInt((int) x);
                }
            }
            default -> {
                long[] v = dataset.readLongs();
                out = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                out.asLongBuffer().put(v);
            }
        }
        return out.array();
    }

    /** What h5py reads of each file, in one python call: file -> lines, or an "error: ..." line when h5py refused it. */
    static Map<Path, List<String>> h5py(List<Path> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(DebianPython.PATH.toString(), SCRIPT.toString()));
        files.forEach(f -> command.add(f.toString()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("hdf5_dump.py failed (exit " + process.exitValue() + ")");
        }
        Map<?, ?> parsed = (Map<?, ?>) JsonReader.parse(new String(output, StandardCharsets.UTF_8), "hdf5_dump.py output");
        Map<Path, List<String>> out = new LinkedHashMap<>();
        for (Path file : files) {
            Object lines = parsed.get(file.toString());
            out.put(file, lines instanceof List<?> list ? list.stream().map(String.class::cast).toList()
                    : List.of("error: " + ((Map<?, ?>) lines).get("error")));
        }
        return out;
    }

    private static String le(long value) {
        ByteBuffer buffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        return HEX.formatHex(buffer.array());
    }

    private static String dims(int[] dims) {
        return Arrays.toString(dims).replace(" ", "");
    }
}
