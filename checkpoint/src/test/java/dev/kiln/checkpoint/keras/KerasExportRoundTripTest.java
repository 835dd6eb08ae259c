package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.hdf5.Hdf5File;
import dev.kiln.checkpoint.hdf5.Hdf5Group;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.model.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every layer Kiln's Keras tables write, in small models (ExportModels): exported to .keras and to
 * legacy .h5, loaded back with KerasModelFile, the layers' configs, every weight bit for bit and
 * the predictions are the same; the archive's entries are stored as Keras stores them.
 */
class KerasExportRoundTripTest {
    private static final LocalDateTime SAVED = LocalDateTime.of(2026, 12, 3, 19, 45, 12);

    @Test
    void kerasArchivesLoadBackBitIdentical(@TempDir Path dir) throws Exception {
        for (ExportModels.Architecture architecture : ExportModels.ALL) {
            Sequential model = architecture.build(41);
            Path file = dir.resolve(architecture.name() + ".keras");
            Files.write(file, KerasArchiveWriter.toBytes(model, KerasLayers.engine(), SAVED));
            assertSame(architecture, model, KerasModelFile.load(file).model());
        }
    }

    @Test
    void legacyHdf5FilesLoadBackBitIdentical(@TempDir Path dir) throws Exception {
        for (ExportModels.Architecture architecture : ExportModels.ALL) {
            Sequential model = architecture.build(43);
            Path file = dir.resolve(architecture.name() + ".h5");
            KerasHdf5Writer.write(file, model);
            assertSame(architecture, model, KerasModelFile.load(file).model());
        }
    }

    @Test
    void archiveEntriesAreStoredInKerasOrder(@TempDir Path dir) throws Exception {
        ExportModels.Architecture architecture = ExportModels.ALL.get(2);
        Path file = dir.resolve("m.keras");
        KerasArchiveWriter.write(file, architecture.build(1));
        List<String> entries = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                entries.add(entry.getName() + " " + entry.getMethod() + " " + (entry.getName().endsWith(".json")
                        ? entry.getTimeLocal().toString() : "save time"));
            }
            String metadata = new String(zip.getInputStream(zip.getEntry("metadata.json")).readAllBytes());
            assertEquals(true, metadata.matches("\\{\"keras_version\": \"3\\.10\\.0\", \"date_saved\": \"\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d\"}"),
                    metadata);
            Hdf5Group root = Hdf5File.read(java.nio.ByteBuffer.wrap(zip.getInputStream(zip.getEntry("model.weights.h5")).readAllBytes()),
                    "m.keras!model.weights.h5").root();
            assertEquals(List.of("embedding", "lstm", "lstm_1", "dense"),
                    root.group("layers").groups().stream().map(Hdf5Group::name).sorted((a, b) -> order(a) - order(b)).toList());
            assertEquals("lstm_cell", root.group("layers/lstm_1/cell/vars").attribute("name").string());
            assertEquals("lstm_1", root.group("layers/lstm_1/vars").attribute("name").string());
            assertEquals("sequential", root.group("vars").attribute("name").string());
        }
        assertEquals(List.of("metadata.json 0 1980-01-01T00:00", "config.json 0 1980-01-01T00:00", "model.weights.h5 0 save time"),
                entries);
    }

    @Test
    void theSameModelAndTimeGiveTheSameBytes() {
        Sequential model = ExportModels.ALL.get(4).build(5);
        assertArrayEquals(KerasArchiveWriter.toBytes(model, KerasLayers.engine(), SAVED),
                KerasArchiveWriter.toBytes(model, KerasLayers.engine(), SAVED));
    }

    private static int order(String group) {
        return List.of("embedding", "lstm", "lstm_1", "dense").indexOf(group);
    }

    private static void assertSame(ExportModels.Architecture architecture, Sequential exported, Sequential loaded) {
        String name = architecture.name();
        assertEquals(exported.layers().stream().map(layer -> layer.config().toString()).toList(),
                loaded.layers().stream().map(layer -> layer.config().toString()).toList(), name + ": layer configs");
        List<Variable> before = exported.parameters();
        List<Variable> after = loaded.parameters();
        assertEquals(before.size(), after.size(), name + ": parameters");
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).shape(), after.get(i).shape(), name + ": " + before.get(i).name());
            assertArrayEquals(bits(before.get(i).data()), bits(after.get(i).data()), name + ": " + before.get(i).name());
        }
        assertArrayEquals(bits(ExportModels.predict(exported, architecture.sample())),
                bits(ExportModels.predict(loaded, architecture.sample())), name + ": predictions");
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
