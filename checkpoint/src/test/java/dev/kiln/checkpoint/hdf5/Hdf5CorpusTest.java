package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.tensor.Shape;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every HDF5 file of shared/keras-files (the .h5 files, the HDF5 file named .keras, and the
 * model.weights.h5 inside each .keras zip) read by Kiln's reader and compared with
 * {@code reference/keras_hdf5.json}, which h5py wrote
 * ({@code checkpoint/src/test/python/keras_hdf5_reference.py}): every group, every dataset's
 * shape, dtype and values (SHA-256 of the little-endian bytes), every attribute's type, shape and
 * value; and the model weights equal expected-summary.json's {@code weights} lists.
 */
class Hdf5CorpusTest {
    private static final Map<?, ?> FILES = H5pyReference.files("/reference/keras_hdf5.json");

    @Test
    void theFixtureCoversEveryHdf5FileOfTheCorpusAsItIsToday() throws IOException {
        TreeSet<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.list(KerasCorpus.path(""))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (Hdf5File.hasSignature(ByteBuffer.wrap(Files.readAllBytes(file)))) {
                    found.add(name);
                } else if (name.endsWith(".keras")) {
                    try (ZipFile zip = new ZipFile(file.toFile())) {
                        if (zip.getEntry("model.weights.h5") != null) {
                            found.add(name);
                        }
                    }
                }
            }
        }
        assertEquals(found, new TreeSet<>(FILES.keySet()), "HDF5 files of the corpus and of the fixture");
        for (Map.Entry<?, ?> file : FILES.entrySet()) {
            Map<?, ?> expected = (Map<?, ?>) file.getValue();
            byte[] bytes = KerasCorpus.bytes((String) file.getKey(), (String) expected.get("entry"));
            assertEquals(expected.get("sha256"), H5pyReference.sha256(bytes), file.getKey() + " is not the file the fixture was written from");
        }
    }

    @TestFactory
    Stream<DynamicTest> everyHdf5FileReadsAsH5pyReadsIt() {
        return FILES.entrySet().stream().map(file -> DynamicTest.dynamicTest((String) file.getKey(), () -> {
            Map<?, ?> expected = (Map<?, ?>) file.getValue();
            H5pyReference.assertReadsAsH5py(KerasCorpus.open((String) file.getKey(), (String) expected.get("entry")), expected);
        }));
    }

    @TestFactory
    Stream<DynamicTest> modelWeightsEqualTheExpectedSummary() {
        Map<?, ?> summary = summary();
        return FILES.entrySet().stream().map(file -> DynamicTest.dynamicTest((String) file.getKey(), () -> {
            Map<?, ?> expected = (Map<?, ?>) summary.get(file.getKey());
            List<String> weights = new ArrayList<>();
            for (Object weight : (List<?>) expected.get("weights")) {
                List<?> entry = (List<?>) weight;
                weights.add(entry.get(0) + " " + entry.get(1) + " " + entry.get(2));
            }
            Hdf5Group root = KerasCorpus.open((String) file.getKey(), (String) ((Map<?, ?>) file.getValue()).get("entry")).root();
            List<String> found = new ArrayList<>();
            for (Hdf5Dataset dataset : H5pyReference.datasets(root)) {
                if (!dataset.path().startsWith("/optimizer")) { // optimizer state: /optimizer (Keras 3), /optimizer_weights (Keras 2)
                    found.add(dataset.path() + " " + H5pyReference.dims(dataset.shape()) + " " + dataset.dtype());
                }
            }
            assertEquals(weights, found);
        }));
    }

    @Test
    void wrongKindsAndMissingObjectsAreNamedWithWhatIsThere() throws IOException {
        Hdf5Group root = KerasCorpus.open("mlp-k2.h5", null).root();
        String file = KerasCorpus.path("mlp-k2.h5").toString();
        assertEquals(List.of("dense_3", "dense_4"), root.group("model_weights").attribute("layer_names").strings());
        assertEquals("2.0.9", root.attribute("keras_version").string());
        assertEquals(Shape.of(100, 64), root.dataset("/model_weights/dense_3/dense_3/kernel:0").shape());
        assertTrue(root.findDataset("model_weights/dense_3").isEmpty());
        assertTrue(root.findGroup("model_weights/dense_3/dense_3/kernel:0").isEmpty());
        assertMessage(file + ": /model_weights/dense_5: not found; /model_weights holds dense_3 (group), dense_4 (group)",
                () -> root.dataset("model_weights/dense_5/dense_5/kernel:0"));
        assertMessage(file + ": /model_weights/dense_3: is a group; allowed: a dataset", () -> root.dataset("model_weights/dense_3"));
        assertMessage(file + ": /model_weights/dense_3/dense_3/bias:0: is a dataset; allowed: a group",
                () -> root.group("model_weights/dense_3/dense_3/bias:0"));
        assertMessage(file + ": /model_weights/dense_3/dense_3/bias:0: is a dataset; allowed: a group on the way to \"model_weights/dense_3/"
                + "dense_3/bias:0/x\"", () -> root.dataset("model_weights/dense_3/dense_3/bias:0/x"));
        assertMessage(file + ": /, attribute \"keras_version\": holds variable-length string values; allowed here: numbers",
                () -> root.attribute("keras_version").doubles());
        assertMessage(file + ": /, attribute \"layer_names\": not found; the object has keras_version, backend, model_config,"
                + " training_config", () -> root.attribute("layer_names"));
        assertMessage(file + ": /model_weights/dense_3/dense_3/bias:0, data: holds float32 values; readLongs reads integers (floating"
                + " point: readFloats)", () -> root.dataset("model_weights/dense_3/dense_3/bias:0").readLongs());
    }

    @Test
    void anEmptyFloat64ArrayReadsAsNoStringsAsKerasMeansIt() throws IOException {
        Hdf5Group weights = KerasCorpus.open("lambda-seq-k2.h5", null).root().group("model_weights");
        Hdf5Attribute names = weights.group("lambda_1").attribute("weight_names");
        assertEquals(Hdf5Dtype.FLOAT64, names.dtype());
        assertEquals(Shape.of(0), names.shape());
        assertEquals(List.of(), names.strings());
        assertEquals(List.of("dense_1/kernel:0", "dense_1/bias:0"), weights.group("dense_1").attribute("weight_names").strings());
    }

    @Test
    void theOptimizerStepIsAScalarInt64() throws IOException {
        Hdf5Dataset iterations = KerasCorpus.open("aura-imdb-embed-gap-k3.keras", "model.weights.h5").root().dataset("optimizer/vars/0");
        assertEquals(Hdf5Dtype.INT64, iterations.dtype());
        assertEquals(Shape.scalar(), iterations.shape());
        assertEquals(800L, iterations.readLongs()[0]);
    }

    private static Map<?, ?> summary() {
        try {
            Path path = KerasCorpus.path("expected-summary.json");
            return (Map<?, ?>) JsonReader.parse(Files.readString(path), path.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        try {
            call.execute();
            fail("no error; expected: " + expected);
        } catch (CheckpointFormatException e) {
            assertEquals(expected, e.getMessage());
        } catch (Throwable e) {
            fail("expected a CheckpointFormatException, got " + e, e);
        }
    }
}
