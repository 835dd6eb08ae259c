package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.tensor.Shape;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A file's reading by Kiln compared with h5py's, as the scripts under checkpoint/src/test/python
 * record it: every group in walk order (depth first, children in name order); every dataset's
 * path, shape, dtype and the SHA-256 of its values as little-endian bytes of its own type (or, for
 * one never written, that reading it says so); every attribute's object, name, dtype, shape and
 * value, a string longer than 200 characters as its length and SHA-256.
 */
final class H5pyReference {
    private static final int LONG_STRING = 200;

    private H5pyReference() {}

    /** The "files" of the fixture at {@code resource} (on the test class path). */
    static Map<?, ?> files(String resource) {
        try (InputStream in = H5pyReference.class.getResourceAsStream(resource)) {
            return (Map<?, ?>) ((Map<?, ?>) JsonReader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource)).get("files");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks that {@code file} reads as {@code expected} (one entry of a fixture's "files") says h5py read it. */
    static void assertReadsAsH5py(Hdf5File file, Map<?, ?> expected) throws CheckpointFormatException {
        Contents contents = new Contents();
        contents.walk(file.root());
        assertEquals(((List<?>) expected.get("groups")).stream().map(String.class::cast).toList(), contents.groups, "groups");
        List<String> datasets = new ArrayList<>();
        for (Object item : (List<?>) expected.get("datasets")) {
            Map<?, ?> d = (Map<?, ?>) item;
            datasets.add(d.get("path") + " " + d.get("shape") + " " + d.get("dtype") + " "
                    + (Boolean.FALSE.equals(d.get("written")) ? "never written" : d.containsKey("strings")
                            ? strings((List<?>) d.get("strings")) : d.get("sha256")));
        }
        assertEquals(datasets, contents.datasets, "datasets: path, shape, dtype, SHA-256 of the values");
        List<String> attributes = new ArrayList<>();
        for (Object item : (List<?>) expected.get("attributes")) {
            Map<?, ?> a = (Map<?, ?>) item;
            Object value = a.containsKey("strings")
                    ? ((List<?>) a.get("strings")).stream().map(s -> s instanceof Map<?, ?> hashed ? hashed.get("length")
                            + " characters, SHA-256 " + hashed.get("sha256") : s).toList()
                    : ((List<?>) a.get("numbers")).stream().map(n -> ((Number) n).doubleValue()).toList();
            attributes.add(a.get("object") + " @" + a.get("name") + " " + a.get("dtype") + " " + a.get("shape") + " = " + value);
        }
        assertEquals(attributes.stream().sorted().toList(), contents.attributes.stream().sorted().toList(), "attributes");
    }

    private static String strings(List<?> values) {
        return values.stream().map(s -> s instanceof Map<?, ?> hashed ? hashed.get("length") + " characters, SHA-256 "
                + hashed.get("sha256") : s).toList().toString();
    }

    /** The datasets a depth-first walk from {@code group} finds, children in file order. */
    static List<Hdf5Dataset> datasets(Hdf5Group group) throws CheckpointFormatException {
        Contents contents = new Contents();
        contents.walk(group);
        return contents.all;
    }

    /** {@code [2, 3]}. */
    static String dims(Shape shape) {
        return Arrays.toString(shape.toArray());
    }

    /** The SHA-256 of {@code bytes}, in hexadecimal. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a depth-first walk (children in file order) finds, in the fixture's words. */
    private static final class Contents {
        final List<String> groups = new ArrayList<>();
        final List<String> datasets = new ArrayList<>();
        final List<String> attributes = new ArrayList<>();
        final List<Hdf5Dataset> all = new ArrayList<>();

        void walk(Hdf5Object object) throws CheckpointFormatException {
            for (Hdf5Attribute attribute : object.attributes()) {
                attributes.add(object.path() + " @" + attribute.name() + " " + attribute.dtype() + " " + dims(attribute.shape()) + " = "
                        + value(attribute));
            }
            switch (object) {
                case Hdf5Group group -> {
                    groups.add(group.path());
                    for (Hdf5Object child : group.children()) {
                        walk(child);
                    }
                }
                case Hdf5Dataset dataset -> {
                    datasets.add(dataset.path() + " " + dims(dataset.shape()) + " " + dataset.dtype() + " " + values(dataset));
                    all.add(dataset);
                }
            }
        }

        /** The SHA-256 of the values as little-endian bytes of the dataset's type; or "never written" when reading says so. */
        private static String values(Hdf5Dataset dataset) throws CheckpointFormatException {
            if (!written(dataset)) {
                return "never written";
            }
            if (dataset.dtype().isString()) {
                return dataset.readStrings().stream().map(s -> s.length() > LONG_STRING ? s.length() + " characters, SHA-256 "
                        + sha256(s.getBytes(StandardCharsets.UTF_8)) : s).toList().toString();
            }
            int n = dataset.shape().size();
            ByteBuffer bytes = ByteBuffer.allocate((int) dataset.storedBytes()).order(ByteOrder.LITTLE_ENDIAN);
            switch (dataset.dtype()) {
                case FLOAT16 -> {
                    for (float value : dataset.readFloats()) {
                        bytes.putShort(Float.floatToFloat16(value));
                    }
                }
                case FLOAT32 -> {
                    for (float value : dataset.readFloats()) {
                        bytes.putFloat(value);
                    }
                }
                case FLOAT64 -> {
                    for (double value : dataset.readDoubles()) {
                        bytes.putDouble(value);
                    }
                }
                default -> {
                    long[] values = dataset.readLongs();
                    int width = (int) (dataset.storedBytes() / Math.max(n, 1));
                    for (long value : values) {
                        for (int b = 0; b < width; b++) {
                            bytes.put((byte) (value >>> 8 * b));
                        }
                    }
                }
            }
            return sha256(bytes.array());
        }

        private static String value(Hdf5Attribute attribute) throws CheckpointFormatException {
            if (attribute.dtype().isString() || attribute.shape().size() == 0) {
                if (!attribute.dtype().isString()) {
                    return "[]";
                }
                return attribute.strings().stream().map(s -> s.length() > LONG_STRING ? s.length() + " characters, SHA-256 "
                        + sha256(s.getBytes(StandardCharsets.UTF_8)) : s).toList().toString();
            }
            return Arrays.stream(attribute.doubles()).boxed().toList().toString();
        }
    }

    /** Whether the dataset's values can be read; one never written must say so in these words. */
    private static boolean written(Hdf5Dataset dataset) {
        try {
            if (dataset.dtype().isString()) {
                dataset.readStrings();
            } else {
                dataset.readDoubles();
            }
            return true;
        } catch (CheckpointFormatException e) {
            assertEquals(dataset.source() + ": " + dataset.path() + ", data: has no data in the file (the dataset was created but never"
                    + " written)", e.getMessage());
            return false;
        }
    }
}
