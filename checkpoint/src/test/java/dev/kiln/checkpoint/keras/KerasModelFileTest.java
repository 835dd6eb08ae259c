package dev.kiln.checkpoint.keras;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.FeatureBatch;
import dev.kiln.engine.layer.LayerValue;
import dev.kiln.engine.layer.SequenceBatch;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.loss.MeanError;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.tensor.Tensor;
import dev.kiln.engine.testing.SharedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every whole-model file in /work/shared/keras-files either loads with its weights, predicting what
 * an independent NumPy forward pass computes (src/test/python/keras_forward_reference.py wrote the
 * fixture), or is refused naming why.
 */
class KerasModelFileTest {
    private static final Path FIXTURE = Path.of("src/test/resources/reference/keras-forward.json");

    private static final String WEIGHTS_ONLY = ": an HDF5 file without a model_config attribute: a weights-only file"
            + " (save_weights); Kiln reads weights with the model's config in a .keras archive or a full-model HDF5 file";

    /** The files that load, with the parameter count Keras saved (PROVENANCE.md). */
    private static final Map<String, Long> LOADS = Map.of(
            "mlp-k2.h5", 7_114L,
            "spam-mlp-k3.keras", 820_897L,
            "aura-imdb-embed-gap-k3.keras", 160_289L,
            "sentiment-embed-gap-k2-hdf5.keras", 160_017L,
            "embed-conv1d-k2.h5", 76_785L,
            // A Functional chain: BiLSTM > Activation > BiLSTM > Activation, with Keras 2's hard_sigmoid gates.
            "bilstm2-tfkeras.h5", 1_072L);

    /** The whole-model files refused, with the start of the message after the file name. */
    private static final Map<String, String> REFUSED = Map.of(
            "hostile-npz-pickle.keras", ": two entries are named 'model.weights.npz'; a zip with duplicate names is refused,"
                    + " since readers disagree on which one is meant (a way hostile archives hide content)",
            "imdb-simplernn-unbuilt-k3.keras", "!model.weights.h5: holds no weights: the model was saved before it was built (never"
                    + " trained or called), so there is nothing to load",
            "lambda-seq-k2.h5", ": model_config: layers[1] 'lambda_1' (Lambda): Kiln has no layer for Keras' Lambda");

    /** Weights-only files and a bare config: not whole models (a config + weights path is still to come). */
    private static final Map<String, String> NOT_MODELS = Map.of(
            "emoji-lstm2-k2-weights.h5", WEIGHTS_ONLY,
            "emoji-lstm2-k3.weights.h5", WEIGHTS_ONLY,
            "emoji-lstm2.model.json", ": neither a .keras archive (a zip) nor a Keras HDF5 file; its first bytes are 7b226d6f64756c65");
    /** The corpus' documentation. */
    private static final Set<String> NOT_FILES_OF_MODELS = Set.of("expected-summary.json", "PROVENANCE.md", "LICENSES");

    @Test
    void everyModelFileOfTheCorpusIsCovered() throws IOException {
        Set<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.list(SharedFiles.path("keras-files"))) {
            files.forEach(f -> seen.add(f.getFileName().toString()));
        }
        Set<String> covered = new TreeSet<>(LOADS.keySet());
        covered.addAll(REFUSED.keySet());
        covered.addAll(NOT_MODELS.keySet());
        covered.addAll(NOT_FILES_OF_MODELS);
        assertEquals(covered, seen);
    }

    @Test
    void theLoadableFilesPredictWhatNumPyComputesFromTheirWeights() throws IOException {
        Map<String, Object> fixture = fixture();
        for (Map.Entry<String, Long> file : LOADS.entrySet()) {
            KerasImport imported = KerasModelFile.load(SharedFiles.path("keras-files/" + file.getKey()));
            assertEquals(file.getValue(), imported.model().parameterCount(), file.getKey());
            assertPredicts(imported, fixture, file.getKey());
        }
    }

    /**
     * Two stacked LSTMs in Keras 3's layout (weights under cell/vars): the emoji model's config without
     * its Activation layer and its Keras 3 weights file, packed as Keras packs a .keras archive.
     */
    @Test
    void stackedLstmsPredictWhatNumPyComputes(@TempDir Path dir) throws IOException {
        String json = Files.readString(SharedFiles.path("keras-files/emoji-lstm2.model.json"));
        int activation = json.lastIndexOf(", {\"module\": \"keras.layers\", \"class_name\": \"Activation\"");
        String withoutActivation = json.substring(0, activation) + json.substring(json.indexOf("], \"build_input_shape\"", activation));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("metadata.json", "{\"keras_version\": \"3.10.0\"}".getBytes(StandardCharsets.UTF_8));
        entries.put("config.json", withoutActivation.getBytes(StandardCharsets.UTF_8));
        entries.put("model.weights.h5", Files.readAllBytes(SharedFiles.path("keras-files/emoji-lstm2-k3.weights.h5")));
        KerasImport imported = KerasModelFile.load(zip(dir.resolve("emoji.keras"), entries));
        assertEquals(62_789, imported.model().parameterCount());
        assertPredicts(imported, fixture(), "emoji-lstm2 (config + k3 weights)");
    }

    /**
     * The weights-only pair with the companion JSON (LSTM(seq) > Dropout > LSTM > Dropout > Dense >
     * Activation(softmax)): Keras 3's layout (groups lstm, lstm_1, dense) and Keras 2's (layer_names
     * lstm_3 ... activation_2), neither named as the JSON names its layers, matched by position and class.
     */
    @Test
    void theWeightsOnlyPairLoadsWithItsConfigAndPredictsWhatNumPyComputes() throws IOException {
        Path json = SharedFiles.path("keras-files/emoji-lstm2.model.json");
        for (String weights : List.of("emoji-lstm2-k3.weights.h5", "emoji-lstm2-k2-weights.h5")) {
            Path file = SharedFiles.path("keras-files/" + weights);
            KerasImport imported = KerasModelFile.load(file, json);
            assertEquals(62_789, imported.model().parameterCount(), weights);
            String note = "weights read from " + file + " (Keras " + (weights.contains("k3") ? 3 : 2) + " layout), matched with the"
                    + " config's layers by position and class";
            assertTrue(imported.notes().contains(note), imported.notes().toString());
            assertPredicts(imported, fixture(), weights + " + emoji-lstm2.model.json");
        }
    }

    /** A weights file whose layers are not the config's (by count, or by class at a position) is refused naming them. */
    @Test
    void weightsOfOtherLayersAreRefused(@TempDir Path dir) throws IOException {
        Path weights = SharedFiles.path("keras-files/emoji-lstm2-k2-weights.h5");
        String json = Files.readString(SharedFiles.path("keras-files/emoji-lstm2.model.json"));
        // Without its final Activation the config has 5 layers; the file 6.
        int activation = json.lastIndexOf(", {\"module\": \"keras.layers\", \"class_name\": \"Activation\"");
        Path shorter = Files.writeString(dir.resolve("shorter.json"), json.substring(0, activation)
                + json.substring(json.indexOf("], \"build_input_shape\"", activation)));
        assertEquals(weights + ": layer_names lists 6 layers [lstm_3, dropout_3, lstm_4, dropout_4, dense_2, activation_2]; the"
                + " config has 5 [lstm_2, dropout_2, lstm_3, dropout_3, dense_1]",
                assertThrows(KerasConfigException.class, () -> KerasModelFile.load(weights, shorter)).getMessage());
        // The two LSTMs read as GRUs: same count, other class at position 0.
        Path grus = Files.writeString(dir.resolve("grus.json"), json.replace("\"class_name\": \"LSTM\"", "\"class_name\": \"GRU\"")
                .replace("\"unit_forget_bias\": true, ", "\"reset_after\": true, "));
        assertEquals(weights + ": layer 0 of the file, 'lstm_3', is neither the config's layer 0 'lstm_2' (GRU) nor named as"
                + " Keras names a GRU (gru, gru_1, ...); the file's layers are [lstm_3, dropout_3, lstm_4, dropout_4, dense_2,"
                + " activation_2]", assertThrows(KerasConfigException.class, () -> KerasModelFile.load(weights, grus)).getMessage());
        Path json2 = SharedFiles.path("keras-files/emoji-lstm2.model.json");
        assertEquals(json2 + ": not an HDF5 file; Keras writes weights (save_weights) as HDF5",
                assertThrows(KerasConfigException.class, () -> KerasModelFile.load(json2, json2)).getMessage());
    }

    /**
     * Bidirectional LSTMs in Keras 3's layout (forward_layer/cell/vars, then backward_layer/cell/vars):
     * a synthetic archive keras_forward_reference.py wrote, since no corpus file has them in a model Kiln reads.
     */
    @Test
    void bidirectionalLstmsPredictWhatNumPyComputes() throws IOException {
        KerasImport imported = KerasModelFile.load(Path.of("src/test/resources/keras-files/bilstm-synthetic-k3.keras"));
        // (4 + 3 + 1) x 12 x 2 + (6 + 2 + 1) x 8 x 2 + 4 x 2 + 2
        assertEquals(192 + 144 + 10, imported.model().parameterCount());
        assertPredicts(imported, fixture(), "bilstm-synthetic-k3.keras");
    }

    /** GRU (reset_after: bias [2, 3u]), SimpleRNN and LayerNormalization in Keras 3's layout: a synthetic archive as above. */
    @Test
    void aGruASimpleRnnAndALayerNormalizationPredictWhatNumPyComputes() throws IOException {
        KerasImport imported = KerasModelFile.load(Path.of("src/test/resources/keras-files/gru-rnn-layernorm-synthetic-k3.keras"));
        // GRU 3 x 12 + 4 x 12 + 2 x 12, SimpleRNN 4 x 3 + 3 x 3 + 3, LayerNormalization 3 + 3, Dense 3 x 2 + 2
        assertEquals(108 + 24 + 6 + 8, imported.model().parameterCount());
        assertPredicts(imported, fixture(), "gru-rnn-layernorm-synthetic-k3.keras");
    }

    /** A Bidirectional LSTM in Keras 2's HDF5 layout (weight_names bidirectional/forward_lstm/lstm_cell/kernel:0, ...): synthetic, as above. */
    @Test
    void aKeras2BidirectionalLstmPredictsWhatNumPyComputes() throws IOException {
        KerasImport imported = KerasModelFile.load(Path.of("src/test/resources/keras-files/bilstm-synthetic-k2.h5"));
        assertEquals(2, imported.kerasMajorVersion());
        assertEquals((4 + 3 + 1) * 12 * 2 + 6 * 2 + 2, imported.model().parameterCount());
        assertPredicts(imported, fixture(), "bilstm-synthetic-k2.h5");
    }

    /**
     * Damaged archives (bytes overwritten anywhere: zip headers, config, HDF5 structure, weights; or cut short)
     * either load or are refused with an IOException naming the file; never another exception.
     */
    @Test
    void damagedArchivesLoadOrAreRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        byte[] original = Files.readAllBytes(Path.of("src/test/resources/keras-files/gru-rnn-layernorm-synthetic-k3.keras"));
        java.util.Random random = new java.util.Random(42);
        int loaded = 0;
        for (int trial = 0; trial < 400; trial++) {
            byte[] damaged = trial % 10 == 9 ? java.util.Arrays.copyOf(original, random.nextInt(original.length)) : original.clone();
            for (int edit = trial % 10 == 9 ? 0 : 1 + random.nextInt(4); edit > 0; edit--) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            Path file = Files.write(dir.resolve("damaged-" + trial + ".keras"), damaged);
            try {
                KerasModelFile.load(file);
                loaded++;
            } catch (IOException e) {
                assertTrue(e.getMessage() != null && e.getMessage().startsWith(file.toString()), trial + ": " + e);
            }
        }
        assertTrue(loaded > 0 && loaded < 400, loaded + " of 400 damaged archives loaded");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> fixture() throws IOException {
        return (Map<String, Object>) JsonReader.parse(Files.readString(FIXTURE), FIXTURE.toString());
    }

    static double assertPredicts(KerasImport imported, Map<String, Object> fixture, String name) {
        @SuppressWarnings("unchecked")
        Map<String, Object> expected = (Map<String, Object>) fixture.get(name);
        int examples = ((Number) expected.get("examples")).intValue();
        int size = ((Number) expected.get("size")).intValue();
        LayerValue input = switch ((String) expected.get("input")) {
            case "vectors" -> vectors(examples, size);
            case "random sequences" -> givenSequences(expected, examples, ((Number) expected.get("steps")).intValue(), size);
            case "ids" -> ids(examples, size, ((Number) expected.get("steps")).intValue());
            default -> sequences(examples, ((Number) expected.get("steps")).intValue(), size);
        };
        float[] predicted;
        try (ComputePool pool = ComputePool.singleThreaded()) {
            if (imported.model().layers().getLast().outputShape().split(",").length > 2) {
                // A model ending in sequences (predict takes one vector per example): the forward pass's packed rows,
                // example after example since every sequence has all its steps.
                predicted = ((SequenceBatch) imported.model().forward(input, new Ops(Kernels.preferred(pool), Tape.inference())))
                        .values().data();
            } else {
                imported.model().compile(MeanError.squared(), List.of(), Engine.on(pool));
                predicted = imported.model().predict(input).data();
            }
        }
        @SuppressWarnings("unchecked")
        List<List<Number>> outputs = (List<List<Number>>) expected.get("outputs");
        int width = outputs.getFirst().size();
        assertEquals(examples * width, predicted.length, name);
        double worst = 0;
        for (int i = 0; i < examples; i++) {
            // Relative to the value, or to the example's largest output for values near zero (a relu's 0, a float32 ulp).
            double scale = outputs.get(i).stream().mapToDouble(v -> Math.abs(v.doubleValue())).max().orElse(0);
            for (int j = 0; j < width; j++) {
                double want = outputs.get(i).get(j).doubleValue();
                double got = predicted[i * width + j];
                double error = Math.abs(got - want) / Math.max(Math.abs(want), Math.max(scale, 1e-30));
                worst = Math.max(worst, error);
                assertTrue(error <= 1e-5, name + " example " + i + " output " + j + ": Kiln " + got + ", NumPy " + want);
            }
        }
        System.out.printf(java.util.Locale.ROOT, "%s: largest relative difference from NumPy %.2e%n", name, worst);
        return worst;
    }

    /** keras_forward_reference.py's sequences: example i's vector of width steps x features, step by step. */
    /** The fixture's own inputs ("values": each example's steps x features, row after row). */
    private static LayerValue givenSequences(Map<String, Object> expected, int examples, int steps, int features) {
        @SuppressWarnings("unchecked")
        List<List<Number>> values = (List<List<Number>>) expected.get("values");
        float[] data = new float[examples * steps * features];
        int[] lengths = new int[examples];
        int[] offsets = new int[examples];
        for (int i = 0; i < examples; i++) {
            for (int k = 0; k < steps * features; k++) {
                data[i * steps * features + k] = values.get(i).get(k).floatValue();
            }
            lengths[i] = steps;
            offsets[i] = i * steps;
        }
        return new SequenceBatch(Variable.constant(Tensor.wrap(data, examples * steps, features)), lengths, offsets);
    }

    private static LayerValue sequences(int examples, int steps, int features) {
        float[] data = ((FeatureBatch) vectors(examples, steps * features)).values().value().data();
        int[] lengths = new int[examples];
        int[] offsets = new int[examples];
        for (int i = 0; i < examples; i++) {
            lengths[i] = steps;
            offsets[i] = i * steps;
        }
        return new SequenceBatch(Variable.constant(Tensor.wrap(data, examples * steps, features)), lengths, offsets);
    }

    @Test
    void theOtherModelFilesAreRefusedNamingWhy() {
        Map<String, String> refusals = new LinkedHashMap<>(REFUSED);
        refusals.putAll(NOT_MODELS);
        for (Map.Entry<String, String> file : refusals.entrySet()) {
            Path path = SharedFiles.path("keras-files/" + file.getKey());
            IOException refused = assertThrows(IOException.class, () -> KerasModelFile.load(path), file.getKey());
            assertTrue(refused.getMessage().startsWith(path + file.getValue()), refused.getMessage());
        }
    }

    /** The same vectors as keras_forward_reference.py: float32(sin(0.37 (i + 1) + 0.011 j)). */
    private static LayerValue vectors(int examples, int width) {
        float[] data = new float[examples * width];
        for (int i = 0; i < examples; i++) {
            for (int j = 0; j < width; j++) {
                data[i * width + j] = (float) Math.sin(0.37 * (i + 1) + 0.011 * j);
            }
        }
        return new FeatureBatch(Variable.constant(Tensor.wrap(data, examples, width)));
    }

    /** The same token ids as keras_forward_reference.py: (i 7919 + t 104729 + 1) mod vocabulary, every step kept (mask_zero false). */
    private static LayerValue ids(int examples, int vocabulary, int steps) {
        int[][] rows = new int[examples][steps];
        for (int i = 0; i < examples; i++) {
            for (int t = 0; t < steps; t++) {
                rows[i][t] = (int) (((long) i * 7919 + (long) t * 104729 + 1) % vocabulary);
            }
        }
        return TokenBatch.ofRows(rows);
    }

    @Test
    void aWeightOfAnotherShapeIsRefusedNamingTheFileLayerVariableAndShapes(@TempDir Path dir) throws IOException {
        Map<String, byte[]> entries = entries(SharedFiles.path("keras-files/spam-mlp-k3.keras"));
        String config = new String(entries.get("config.json"), StandardCharsets.UTF_8);
        assertTrue(config.contains("\"units\": 160"), config);
        entries.put("config.json", config.replace("\"units\": 160", "\"units\": 161").getBytes(StandardCharsets.UTF_8));
        Path file = zip(dir.resolve("wider.keras"), entries);
        KerasConfigException refused = assertThrows(KerasConfigException.class, () -> KerasModelFile.load(file));
        assertEquals(file + "!model.weights.h5: layer 0 'dense' (layers/dense): variable vars/0 has shape [5000, 160]; Kiln's"
                + " parameter dense/kernel needs [5000, 161]", refused.getMessage());
    }

    @Test
    void anArchiveWithAnEntryKilnDoesNotReadIsRefusedByName(@TempDir Path dir) throws IOException {
        Map<String, byte[]> entries = entries(SharedFiles.path("keras-files/spam-mlp-k3.keras"));
        entries.put("model.weights.npz", new byte[] {'P', 'K'});
        Path npz = zip(dir.resolve("npz.keras"), entries);
        assertEquals(npz + ": entry 'model.weights.npz' is a NumPy or pickle file, which can hold pickled Python objects that run"
                + " code when loaded; Kiln never loads them and reads weights only from model.weights.h5",
                assertThrows(KerasConfigException.class, () -> KerasModelFile.load(npz)).getMessage());
        entries.remove("model.weights.npz");
        entries.put("extra.txt", new byte[1]);
        Path extra = zip(dir.resolve("extra.keras"), entries);
        assertEquals(extra + ": entry 'extra.txt' is not part of a Keras model archive Kiln reads (config.json, metadata.json,"
                + " model.weights.h5, a layer's assets/...)", assertThrows(KerasConfigException.class, () -> KerasModelFile.load(extra))
                .getMessage());
        entries.remove("extra.txt");
        // An asset is read only when a layer of the config claims it: a Dense has none.
        entries.put("assets/layers/dense/vocabulary.txt", "[UNK]\nthe".getBytes(StandardCharsets.UTF_8));
        Path asset = zip(dir.resolve("asset.keras"), entries);
        assertEquals(asset + ": entry 'assets/layers/dense/vocabulary.txt' is an asset no layer of the config reads (a layer's"
                + " assets are under assets/layers/<its class in snake case>[_n]/, and Kiln reads TextVectorization's"
                + " vocabulary.txt)", assertThrows(KerasConfigException.class, () -> KerasModelFile.load(asset)).getMessage());
        entries.remove("assets/layers/dense/vocabulary.txt");
        entries.remove("extra.txt");
        entries.remove("model.weights.h5");
        Path noWeights = zip(dir.resolve("noweights.keras"), entries);
        assertEquals(noWeights + ": the archive has no model.weights.h5; a Keras 3 model archive holds config.json, metadata.json"
                + " and model.weights.h5 (entries found: [config.json, metadata.json])",
                assertThrows(KerasConfigException.class, () -> KerasModelFile.load(noWeights)).getMessage());
    }

    @Test
    void aZipBombIsRefusedBeforeAnythingIsInflated(@TempDir Path dir) throws IOException {
        Map<String, byte[]> entries = entries(SharedFiles.path("keras-files/spam-mlp-k3.keras"));
        entries.put("config.json", new byte[KerasModelConfig.MAX_BYTES / 2]); // zeros deflate about 1000 to 1
        Path bomb = zip(dir.resolve("bomb.keras"), entries);
        String message = assertThrows(KerasConfigException.class, () -> KerasModelFile.load(bomb)).getMessage();
        assertTrue(message.startsWith(bomb + ": entry 'config.json' claims " + KerasModelConfig.MAX_BYTES / 2 + " bytes from "), message);
        assertTrue(message.endsWith(" compressed ones; refused as a possible zip bomb (Kiln accepts at most 100 to 1)"), message);
    }

    /** The JDK's zip reader ends in a bare EOFException here (no message); Kiln names the file and the problem. */
    @Test
    void anArchiveWhoseEndRecordRunsPastTheFileIsRefusedByName(@TempDir Path dir) throws IOException {
        byte[] archive = Files.readAllBytes(Path.of("src/test/resources/keras-files/gru-rnn-layernorm-synthetic-k3.keras"));
        archive[archive.length - 2] ^= 1; // the end record's comment length: one byte more than the file holds
        Path damaged = Files.write(dir.resolve("damaged.keras"), archive);
        assertEquals(damaged + ": not a readable zip archive (its end record or directory runs past the end of the file;"
                + " a damaged or hostile zip)", assertThrows(KerasConfigException.class, () -> KerasModelFile.load(damaged)).getMessage());
    }

    @Test
    void aFileThatIsNeitherZipNorHdf5IsRefused(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("model.keras"), "{\"class_name\": \"Sequential\"}");
        assertEquals(text + ": neither a .keras archive (a zip) nor a Keras HDF5 file; its first bytes are 7b22636c6173735f",
                assertThrows(KerasConfigException.class, () -> KerasModelFile.load(text)).getMessage());
    }

    private static Map<String, byte[]> entries(Path archive) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                entries.put(entry.getName(), zip.getInputStream(entry).readAllBytes());
            }
        }
        return entries;
    }

    private static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    @Test
    void kerasNamesWeightGroupsInSnakeCase() {
        assertEquals("global_average_pooling1d", Keras3Weights.snakeCase("GlobalAveragePooling1D"));
        assertEquals("simple_rnn", Keras3Weights.snakeCase("SimpleRNN"));
        assertEquals("conv1d", Keras3Weights.snakeCase("Conv1D"));
        assertEquals("layer_normalization", Keras3Weights.snakeCase("LayerNormalization"));
        assertEquals("lstm", Keras3Weights.snakeCase("LSTM"));
    }
}
