package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.hdf5.Hdf5File;
import dev.kiln.checkpoint.hdf5.Hdf5Group;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.keras.KerasArchiveWriter;
import dev.kiln.checkpoint.keras.KerasImport;
import dev.kiln.checkpoint.keras.KerasLayers;
import dev.kiln.checkpoint.keras.KerasModelFile;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.json.JsonWriter;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.loss.MeanError;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.testing.DebianPython;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.TextVectorizationKeras;
import dev.kiln.nlp.Texts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kiln export --keras MODEL OUT [--h5]} on the demo's model (TextVectorization > Embedding
 * (mask_zero) > Bidirectional(LSTM) > Dense > Dense): the archive holds the vocabulary asset where
 * Keras 3 saves it, and checkpoint/src/test/python/keras_loader_mirror.py accepts the .keras and
 * .h5 files and predicts what Kiln predicts from the TextVectorization's ids (1e-5 relative).
 */
class KerasExportCommandTest {
    private static final Path MIRROR = Path.of("../checkpoint/src/test/python/keras_loader_mirror.py");
    private static final List<String> REVIEWS = List.of("a great film with great acting", "a dull film, dull and long",
            "the plot was thin but the music was great", "I would not watch it again", "wonderful, moving, and funny",
            "terrible script; terrible acting", "an average film");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int kiln(String... args) {
        return Kiln.run(List.of(args), new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void theDemoModelExportsToKerasFilesTheLoaderAccepts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("best_model");
        Sequential model;
        TextVectorization encoder;
        try (ComputePool pool = ComputePool.withThreads(1)) {
            encoder = SeedModel.adaptedVectorizer(40, REVIEWS, pool);
            model = SeedModel.build(encoder, 11);
            ModelFile.save(file, model, new AtomicFileWriter(false));
        }
        Path archive = dir.resolve("best.keras");
        Path legacy = dir.resolve("best.h5");
        assertEquals(0, kiln("export", "--keras", file.toString(), archive.toString()), err.toString(StandardCharsets.UTF_8));
        assertEquals(0, kiln("export", "--keras", file.toString(), legacy.toString(), "--h5"), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("wrote " + archive + " (Keras 3 archive, "), out.toString());

        byte[] vocabulary = String.join("\n", encoder.getVocabulary()).getBytes(StandardCharsets.UTF_8);
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            assertEquals(List.of("metadata.json", "config.json", "model.weights.h5", "assets/layers/text_vectorization/vocabulary.txt",
                    "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt"), zip.stream().map(ZipEntry::getName).toList());
            assertTrue(zip.stream().allMatch(entry -> entry.getMethod() == ZipEntry.STORED));
            assertEquals(new String(vocabulary, StandardCharsets.UTF_8), new String(zip.getInputStream(
                    zip.getEntry("assets/layers/text_vectorization/vocabulary.txt")).readAllBytes(), StandardCharsets.UTF_8));
        }

        DebianPython.assumeH5pyAndNumpy();
        List<Object> examples = new ArrayList<>();
        List<Float> predicted = new ArrayList<>();
        try (ComputePool pool = ComputePool.singleThreaded()) {
            model.compile(MeanError.squared(), List.of(), Engine.on(pool));
            for (String review : REVIEWS) { // one text at a time: no padding, so the Embedding's mask has nothing to hide
                examples.add(Arrays.stream(encoder.encode(review)).boxed().toList());
                predicted.add(model.predict(new Texts(List.of(review))).data()[0]);
            }
        }
        Map<?, ?> verdicts = mirror(dir, List.of(archive, legacy), examples);
        for (Path exported : List.of(archive, legacy)) {
            Map<?, ?> verdict = (Map<?, ?>) verdicts.get(exported.toString());
            assertEquals(List.of(), verdict.get("errors"), exported.getFileName() + ": the loader's objections");
            List<?> outputs = (List<?>) verdict.get("outputs");
            for (int i = 0; i < REVIEWS.size(); i++) {
                double want = ((Number) ((List<?>) outputs.get(i)).getFirst()).doubleValue();
                assertEquals(want, predicted.get(i), 1e-5 * Math.max(Math.abs(want), 1e-2), exported.getFileName() + ": " + REVIEWS.get(i));
            }
        }
        assertEquals(2, kiln("export", "--keras", file.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("or --keras MODEL OUT [--h5]"), err.toString());
    }

    /** tf_idf's idf weights go where IndexLookup.save_own_variables puts them: vars/idf_weights, float32, one per entry. */
    /**
     * The other half of the round trip: the demo's model exported as .keras (its vocabulary in the
     * archive's assets, twice, as Keras saves it) and as .h5 loads back into Kiln with the same
     * vocabulary and bit-identical predictions.
     */
    @Test
    void theExportedDemoModelLoadsBackAndPredictsTheSame(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("best_model");
        try (ComputePool pool = ComputePool.withThreads(1)) {
            TextVectorization encoder = SeedModel.adaptedVectorizer(40, REVIEWS, pool);
            ModelFile.save(file, SeedModel.build(encoder, 11), new AtomicFileWriter(false));
        }
        Path archive = dir.resolve("best.keras");
        Path legacy = dir.resolve("best.h5");
        assertEquals(0, kiln("export", "--keras", file.toString(), archive.toString()), err.toString(StandardCharsets.UTF_8));
        assertEquals(0, kiln("export", "--keras", file.toString(), legacy.toString(), "--h5"), err.toString(StandardCharsets.UTF_8));
        KerasLayers layers = KerasLayers.engine().with(TextVectorizationKeras.TABLE);
        try (ComputePool pool = ComputePool.singleThreaded()) {
            Sequential original = ModelFile.load(file, SeedModel.parts()).model();
            original.compile(MeanError.squared(), List.of(), Engine.on(pool));
            float[] want = original.predict(new Texts(REVIEWS)).data();
            for (Path exported : List.of(archive, legacy)) {
                KerasImport imported = KerasModelFile.load(exported, layers);
                Sequential model = imported.model();
                assertEquals(original.layers().getFirst().config(), model.layers().getFirst().config(),
                        exported.getFileName() + ": the TextVectorization (its vocabulary)");
                model.compile(MeanError.squared(), List.of(), Engine.on(pool));
                float[] got = model.predict(new Texts(REVIEWS)).data();
                assertEquals(Arrays.toString(want), Arrays.toString(got), exported.getFileName() + ": predictions");
            }
        }

        // The inner StringLookup's copy of the vocabulary must be the layer's: a different one is refused.
        Path edited = dir.resolve("edited.keras");
        String copy = "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt";
        try (ZipFile zip = new ZipFile(archive.toFile());
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(edited))) {
            for (ZipEntry entry : zip.stream().toList()) {
                byte[] bytes = zip.getInputStream(entry).readAllBytes();
                if (entry.getName().equals(copy)) {
                    bytes = ("[UNK]\n" + new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> KerasModelFile.load(edited, layers));
        assertEquals(edited + ": entry '" + copy + "' differs from 'assets/layers/text_vectorization/vocabulary.txt'; Keras saves"
                + " the same vocabulary.txt in both places", refused.getMessage());
    }

    @Test
    void tfIdfWeightsAreSavedAsKerasNamesThem(@TempDir Path dir) throws Exception {
        TextVectorization encoder = TextVectorization.builder().maxTokens(20).outputMode(TextVectorization.OutputMode.TF_IDF).build();
        Sequential model;
        try (ComputePool pool = ComputePool.withThreads(1)) {
            encoder.adapt(REVIEWS, pool);
            model = new Sequential(List.of(encoder, new Dense(1, Activation.LINEAR, "dense")));
            model.build(0, new Rng(3));
        }
        Path archive = dir.resolve("tfidf.keras");
        KerasArchiveWriter.write(archive, model, SeedModel.kerasLayers());
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            Hdf5Group root = Hdf5File.read(ByteBuffer.wrap(zip.getInputStream(zip.getEntry("model.weights.h5")).readAllBytes()),
                    "tfidf.keras!model.weights.h5").root();
            for (String group : List.of("layers/text_vectorization/vars", "layers/text_vectorization/_lookup_layer/vars")) {
                float[] saved = root.dataset(group + "/idf_weights").readFloats();
                assertEquals(Arrays.toString(encoder.getIdfWeights()), Arrays.toString(saved), group);
            }
        }
        DebianPython.assumeH5pyAndNumpy();
        List<Object> examples = new ArrayList<>();
        List<Float> predicted = new ArrayList<>();
        try (ComputePool pool = ComputePool.singleThreaded()) {
            model.compile(MeanError.squared(), List.of(), Engine.on(pool));
            for (String review : REVIEWS) {
                List<Double> vector = new ArrayList<>();
                for (float value : encoder.vectorize(review)) {
                    vector.add((double) value);
                }
                examples.add(vector);
                predicted.add(model.predict(new Texts(List.of(review))).data()[0]);
            }
        }
        Map<?, ?> verdict = (Map<?, ?>) mirror(dir, List.of(archive), examples, "vectors").get(archive.toString());
        assertEquals(List.of(), verdict.get("errors"));
        List<?> outputs = (List<?>) verdict.get("outputs");
        for (int i = 0; i < REVIEWS.size(); i++) {
            double want = ((Number) ((List<?>) outputs.get(i)).getFirst()).doubleValue();
            assertEquals(want, predicted.get(i), 1e-5 * Math.max(Math.abs(want), 1e-2), REVIEWS.get(i));
        }
    }

    private static Map<?, ?> mirror(Path dir, List<Path> files, List<Object> examples) throws IOException, InterruptedException {
        return mirror(dir, files, examples, "ids");
    }

    private static Map<?, ?> mirror(Path dir, List<Path> files, List<Object> examples, String kind)
            throws IOException, InterruptedException {
        List<Object> requests = new ArrayList<>();
        for (Path file : files) {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("file", file.toString());
            request.put("kind", kind);
            request.put("examples", examples);
            request.put("skip", 1); // the TextVectorization: its ids are given
            requests.add(request);
        }
        Path input = dir.resolve("requests.json");
        Files.writeString(input, JsonWriter.write(requests));
        Process process = new ProcessBuilder(DebianPython.PATH.toString(), MIRROR.toString(), input.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(10, TimeUnit.MINUTES) && process.exitValue() == 0, "keras_loader_mirror.py failed");
        return (Map<?, ?>) JsonReader.parse(new String(output, StandardCharsets.UTF_8), "keras_loader_mirror.py");
    }
}
