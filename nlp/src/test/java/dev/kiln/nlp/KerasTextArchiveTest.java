package dev.kiln.nlp;

import dev.kiln.checkpoint.keras.KerasConfigException;
import dev.kiln.checkpoint.keras.KerasImport;
import dev.kiln.checkpoint.keras.KerasLayers;
import dev.kiln.checkpoint.keras.KerasModelFile;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.model.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A .keras archive of a text model whose adapted TextVectorization keeps its vocabulary as an asset
 * (assets/layers/text_vectorization/vocabulary.txt, as Keras 3 saves it; keras_text_archive.py
 * wrote the archive and NumPy's outputs): the layer takes the vocabulary, and the model predicts
 * on raw texts what NumPy computes.
 */
class KerasTextArchiveTest {
    private static final Path ARCHIVE = Path.of("src/test/resources/keras-files/text-vectorization-synthetic-k3.keras");
    private static final Path REFERENCE = Path.of("src/test/resources/reference/keras_text_archive.json");
    private static final KerasLayers LAYERS = KerasLayers.engine().with(TextVectorizationKeras.TABLE);

    @Test
    void theVocabularyAssetIsTheLayersAndTheModelPredictsWhatNumPyComputes() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> reference = (Map<String, Object>) JsonReader.parse(Files.readString(REFERENCE), REFERENCE.toString());
        KerasImport imported = KerasModelFile.load(ARCHIVE, LAYERS);
        assertEquals(reference.get("vocabulary"), imported.model().layers().getFirst().config().values().get("vocabulary"));
        @SuppressWarnings("unchecked")
        List<String> texts = (List<String>) reference.get("texts");
        @SuppressWarnings("unchecked")
        List<Number> outputs = (List<Number>) reference.get("outputs");
        float[] predicted;
        try (ComputePool pool = ComputePool.singleThreaded()) {
            imported.model().compile(new BinaryCrossentropy(false, 0), List.of(), Engine.on(pool));
            predicted = imported.model().predict(new Texts(texts)).data();
        }
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(outputs.get(i).doubleValue(), predicted[i], 1e-5 * outputs.get(i).doubleValue(), texts.get(i));
        }
    }

    /** Without its asset the adapted layer has no vocabulary (Keras' config says None): building refuses, saying so. */
    @Test
    void anArchiveWithoutTheAssetCannotBuildItsVectorizer(@TempDir Path dir) throws IOException {
        Path without = dir.resolve("no-asset.keras");
        try (ZipFile zip = new ZipFile(ARCHIVE.toFile()); OutputStream out = Files.newOutputStream(without);
             ZipOutputStream copy = new ZipOutputStream(out)) {
            for (ZipEntry entry : zip.stream().toList()) {
                if (!entry.getName().startsWith("assets/")) {
                    copy.putNextEntry(new ZipEntry(entry.getName()));
                    copy.write(zip.getInputStream(entry).readAllBytes());
                    copy.closeEntry();
                }
            }
        }
        assertEquals(without + "!assets/layers/text_vectorization/vocabulary.txt: missing; the TextVectorization's config has no"
                + " vocabulary (it was adapted), and Keras saves an adapted vocabulary as this entry",
                assertThrows(KerasConfigException.class, () -> KerasModelFile.load(without, LAYERS)).getMessage());
        Path bad = dir.resolve("bad-asset.keras");
        try (ZipFile zip = new ZipFile(ARCHIVE.toFile()); OutputStream out = Files.newOutputStream(bad);
             ZipOutputStream copy = new ZipOutputStream(out)) {
            for (ZipEntry entry : zip.stream().toList()) {
                copy.putNextEntry(new ZipEntry(entry.getName()));
                copy.write(entry.getName().endsWith("vocabulary.txt") ? new byte[] {(byte) 0xff, 'a'} : zip.getInputStream(entry)
                        .readAllBytes());
                copy.closeEntry();
            }
        }
        assertEquals(bad + "!assets/layers/text_vectorization/vocabulary.txt: not UTF-8 text; Keras writes a vocabulary as UTF-8"
                + " lines", assertThrows(KerasConfigException.class, () -> KerasModelFile.load(bad, LAYERS)).getMessage());
    }
}
