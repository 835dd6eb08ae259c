package dev.kiln.checkpoint.keras;

import dev.kiln.engine.random.Rng;
import dev.kiln.engine.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real Keras files from /work/shared/keras-files (PROVENANCE.md there says where each comes from):
 * each either builds the model Keras saved, with its parameter count, or is refused naming the
 * exact layer or option Kiln does not support.
 */
class SharedKerasFilesTest {
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /** What Keras saved in each archive's config.json (parameter counts from PROVENANCE.md's weight shapes). */
    private record Expected(List<String> layers, KerasInput input, long parameters) {}

    private static final Map<String, Expected> ARCHIVES = Map.of(
            "aura-imdb-embed-gap-k3.keras", new Expected(List.of("Embedding", "GlobalAveragePooling1D", "Dense", "Dense"),
                    KerasInput.tokenIds(OptionalInt.of(256)), 160_289),
            "spam-mlp-k3.keras", new Expected(List.of("Dense", "Dropout", "Dense", "Dropout", "Dense"), KerasInput.vectors(5000),
                    820_897),
            // Never built in Keras (no weights in the archive): 10,000 x 128 + SimpleRNN(128) + Dense(1) once built.
            "imdb-simplernn-unbuilt-k3.keras", new Expected(List.of("Embedding", "SimpleRNN", "Dense"),
                    KerasInput.tokenIds(OptionalInt.empty()), 1_280_000 + 32_896 + 129),
            // Its config is an honest Dense(1) on 4 inputs; the archive's pickled weights are never touched here.
            "hostile-npz-pickle.keras", new Expected(List.of("Dense"), KerasInput.vectors(4), 5));
    /** A legacy HDF5 model file with a .keras name: there is no config.json to read (KerasModelFileTest loads it whole). */
    private static final String HDF5_NAMED_KERAS = "sentiment-embed-gap-k2-hdf5.keras";

    @Test
    void theEmojiModelBuildsWithItsActivationLayer() throws IOException {
        KerasImport imported = KerasModelConfig.read(SharedFiles.path("keras-files/emoji-lstm2.model.json"), KerasLayers.engine());
        assertEquals(List.of("LSTM", "Dropout", "LSTM", "Dropout", "Dense", "Activation"), KerasModelConfigTest.types(imported));
        assertEquals("softmax", imported.model().layers().getLast().config().values().get("activation"));
        imported.build(new Rng(1));
        assertEquals(62_789, imported.model().parameterCount());
    }

    /** Everything before the Activation layer is read: the two LSTMs and Dropouts and the Dense are Kiln's. */
    @Test
    void theEmojiModelWithoutItsActivationBuildsKerasLstms() throws IOException {
        String json = Files.readString(SharedFiles.path("keras-files/emoji-lstm2.model.json"));
        int activation = json.lastIndexOf(", {\"module\": \"keras.layers\", \"class_name\": \"Activation\"");
        String withoutActivation = json.substring(0, activation) + json.substring(json.indexOf("], \"build_input_shape\"", activation));
        KerasImport imported = KerasModelConfig.parse(withoutActivation, "emoji without Activation", KerasLayers.engine());
        assertEquals(List.of("LSTM", "Dropout", "LSTM", "Dropout", "Dense"), KerasModelConfigTest.types(imported));
        assertEquals(KerasInput.sequences(OptionalInt.of(10), 50), imported.input());
        imported.build(new Rng(1));
        assertEquals(62_789, imported.model().parameterCount()); // PROVENANCE.md: the weights files hold 62,789
    }

    @Test
    void theConfigJsonOfEveryKerasArchiveBuildsWhatKerasSaved() throws IOException {
        Map<String, String> seen = new TreeMap<>();
        try (Stream<Path> files = Files.list(SharedFiles.path("keras-files"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".keras")).sorted().toList()) {
                String name = file.getFileName().toString();
                byte[] magic = Arrays.copyOf(Files.readAllBytes(file), 8);
                if (name.equals(HDF5_NAMED_KERAS)) {
                    assertArrayEquals(HDF5_MAGIC, magic, name);
                    seen.put(name, "HDF5");
                    continue;
                }
                assertArrayEquals(ZIP_MAGIC, Arrays.copyOf(magic, 4), name);
                Expected expected = ARCHIVES.get(name);
                assertTrue(expected != null, name + " is new: say what its config.json should build");
                KerasImport imported = KerasModelConfig.parse(configJson(file), name + "!config.json", KerasLayers.engine());
                assertEquals(expected.layers(), KerasModelConfigTest.types(imported), name);
                assertEquals(expected.input(), imported.input(), name);
                assertEquals(3, imported.kerasMajorVersion(), name);
                imported.build(new Rng(7));
                assertEquals(expected.parameters(), imported.model().parameterCount(), name);
                seen.put(name, "built");
            }
        }
        assertEquals(ARCHIVES.size() + 1, seen.size(), seen.toString());
    }

    /** The first config.json entry of a zip, read with java.util.zip (a hostile archive may hold duplicate names). */
    private static String configJson(Path archive) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (entry.getName().equals("config.json")) {
                    return new String(bounded(zip), StandardCharsets.UTF_8);
                }
            }
        }
        throw new IOException(archive + " has no config.json");
    }

    private static byte[] bounded(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(KerasModelConfig.MAX_BYTES + 1);
        assertTrue(bytes.length <= KerasModelConfig.MAX_BYTES);
        return bytes;
    }

    /** How each file of the corpus is read: whole, as weights with the companion config, or refused (the message after the file). */
    private sealed interface Outcome {}

    private record Loads(long parameters) implements Outcome {}

    private record LoadsWithConfig(String config, long parameters) implements Outcome {}

    private record Refused(String message) implements Outcome {}

    private static final Map<String, Outcome> CORPUS = Map.ofEntries(
            Map.entry("aura-imdb-embed-gap-k3.keras", new Loads(160_289)),
            Map.entry("spam-mlp-k3.keras", new Loads(820_897)),
            Map.entry("sentiment-embed-gap-k2-hdf5.keras", new Loads(160_017)),
            Map.entry("embed-conv1d-k2.h5", new Loads(76_785)),
            Map.entry("mlp-k2.h5", new Loads(7_114)),
            Map.entry("bilstm2-tfkeras.h5", new Loads(1_072)),
            Map.entry("emoji-lstm2-k3.weights.h5", new LoadsWithConfig("emoji-lstm2.model.json", 62_789)),
            Map.entry("emoji-lstm2-k2-weights.h5", new LoadsWithConfig("emoji-lstm2.model.json", 62_789)),
            Map.entry("emoji-lstm2.model.json", new Refused(": neither a .keras archive (a zip) nor a Keras HDF5 file; its first"
                    + " bytes are 7b226d6f64756c65")),
            Map.entry("hostile-npz-pickle.keras", new Refused(": two entries are named 'model.weights.npz'; a zip with duplicate"
                    + " names is refused, since readers disagree on which one is meant (a way hostile archives hide content)")),
            Map.entry("imdb-simplernn-unbuilt-k3.keras", new Refused("!model.weights.h5: holds no weights: the model was saved"
                    + " before it was built (never trained or called), so there is nothing to load")),
            Map.entry("lambda-seq-k2.h5", new Refused(": model_config: layers[1] 'lambda_1' (Lambda): Kiln has no layer for"
                    + " Keras' Lambda")));

    /**
     * Every file of the corpus, one way or the other: it loads (whole, or a weights-only file with
     * its companion config) with Keras' parameter count and predicts what the NumPy forward pass of
     * keras_forward_reference.py computes to 1e-5 relative, or it is refused with the loader's message.
     */
    @Test
    void everyCorpusFileLoadsAndMatchesNumPyOrIsRefusedByName() throws IOException {
        Map<String, Object> fixture = KerasModelFileTest.fixture();
        Map<String, String> seen = new TreeMap<>();
        try (Stream<Path> files = Files.list(SharedFiles.path("keras-files"))) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (List.of("PROVENANCE.md", "expected-summary.json", "LICENSES").contains(name)) {
                    continue;
                }
                Outcome outcome = CORPUS.get(name);
                assertTrue(outcome != null, name + " is new: say how it is read");
                switch (outcome) {
                    case Loads loads -> {
                        KerasImport imported = KerasModelFile.load(file);
                        assertEquals(loads.parameters(), imported.model().parameterCount(), name);
                        seen.put(name, String.format(java.util.Locale.ROOT, "%.1e",
                                KerasModelFileTest.assertPredicts(imported, fixture, name)));
                    }
                    case LoadsWithConfig weights -> {
                        KerasImport imported = KerasModelFile.load(file, file.resolveSibling(weights.config()));
                        assertEquals(weights.parameters(), imported.model().parameterCount(), name);
                        seen.put(name, String.format(java.util.Locale.ROOT, "%.1e",
                                KerasModelFileTest.assertPredicts(imported, fixture, name + " + " + weights.config())));
                    }
                    case Refused refused -> {
                        IOException error = assertThrows(IOException.class, () -> KerasModelFile.load(file), name);
                        assertTrue(error.getMessage().startsWith(file + refused.message()), error.getMessage());
                        seen.put(name, "refused");
                    }
                }
            }
        }
        assertEquals(new TreeMap<>(CORPUS).keySet(), seen.keySet());
        System.out.println("corpus: " + seen);
    }
}
