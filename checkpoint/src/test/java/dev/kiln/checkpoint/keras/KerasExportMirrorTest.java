package dev.kiln.checkpoint.keras;

import dev.kiln.engine.layer.FeatureBatch;
import dev.kiln.engine.layer.SequenceBatch;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.testing.DebianPython;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Exported .keras and .h5 files of every layer Kiln writes pass keras_loader_mirror.py (what Keras
 * 3's loader checks: entries, config, each layer's group, variable count, dtype and shape), and
 * its NumPy forward pass from the written weights predicts what Kiln predicts (1e-5 relative); an
 * archive whose weights do not fit its config is refused by the script, naming the variable.
 */
class KerasExportMirrorTest {
    @Test
    void exportedFilesPassTheLoadersChecksAndPredictAsKiln(@TempDir Path dir) throws Exception {
        DebianPython.assumeH5pyAndNumpy();
        List<KerasLoaderMirror.Request> requests = new ArrayList<>();
        List<float[]> predictions = new ArrayList<>();
        for (ExportModels.Architecture architecture : ExportModels.ALL) {
            Sequential model = architecture.build(47);
            float[] predicted = ExportModels.predict(model, architecture.sample());
            Path archive = dir.resolve(architecture.name() + ".keras");
            Path legacy = dir.resolve(architecture.name() + ".h5");
            KerasArchiveWriter.write(archive, model);
            KerasHdf5Writer.write(legacy, model);
            for (Path file : List.of(archive, legacy)) {
                requests.add(new KerasLoaderMirror.Request(file, architecture.input(), examples(architecture), 0));
                predictions.add(predicted);
            }
        }
        Map<Path, KerasLoaderMirror.Verdict> verdicts = KerasLoaderMirror.run(requests, dir);
        for (int i = 0; i < requests.size(); i++) {
            Path file = requests.get(i).file();
            KerasLoaderMirror.Verdict verdict = verdicts.get(file);
            assertEquals(List.of(), verdict.errors(), file.getFileName() + ": the loader's objections");
            KerasLoaderMirror.assertSameOutputs(file.getFileName().toString(), verdict, predictions.get(i));
        }
    }

    @Test
    void weightsThatDoNotFitTheConfigAreRefused(@TempDir Path dir) throws Exception {
        DebianPython.assumeH5pyAndNumpy();
        ExportModels.Architecture mlp = ExportModels.ALL.get(1);
        LocalDateTime saved = LocalDateTime.of(2026, 12, 3, 20, 0);
        Path twelve = dir.resolve("twelve.keras");
        Files.write(twelve, KerasArchiveWriter.toBytes(mlp.build(1), KerasLayers.engine(), saved));
        Sequential ten = new ExportModels.Architecture("mlp-10", mlp.layers(), "vectors", 10, -1).build(1);
        Path mixed = dir.resolve("mixed.keras");
        try (ZipFile config = new ZipFile(twelve.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(mixed))) {
            stored(out, "metadata.json", config.getInputStream(config.getEntry("metadata.json")).readAllBytes());
            stored(out, "config.json", config.getInputStream(config.getEntry("config.json")).readAllBytes());
            try (ZipFile weights = new ZipFile(write(dir.resolve("ten.keras"), ten, saved).toFile())) {
                stored(out, "model.weights.h5", weights.getInputStream(weights.getEntry("model.weights.h5")).readAllBytes());
            }
        }
        KerasLoaderMirror.Verdict verdict = KerasLoaderMirror.run(List.of(new KerasLoaderMirror.Request(mixed, "vectors",
                List.of(), 0)), dir).get(mixed);
        assertEquals(List.of("layers/dense/vars/0: float32 (10, 8); expected float32 (12, 8)"), verdict.errors());
    }

    private static Path write(Path file, Sequential model, LocalDateTime saved) throws IOException {
        Files.write(file, KerasArchiveWriter.toBytes(model, KerasLayers.engine(), saved));
        return file;
    }

    private static void stored(ZipOutputStream out, String name, byte[] bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        out.putNextEntry(entry);
        out.write(bytes);
        out.closeEntry();
    }

    /** The architecture's sample inputs as the script takes them: one list per example. */
    static List<?> examples(ExportModels.Architecture architecture) {
        List<Object> examples = new ArrayList<>();
        switch (architecture.sample()) {
            case TokenBatch ids -> {
                for (int i = 0; i < ids.lengths().length; i++) {
                    examples.add(java.util.Arrays.stream(ids.ids(), ids.offsets()[i], ids.offsets()[i] + ids.lengths()[i]).boxed()
                            .toList());
                }
            }
            case FeatureBatch vectors -> {
                float[] data = vectors.values().data();
                int width = architecture.width();
                for (int i = 0; i < data.length / width; i++) {
                    examples.add(floats(data, i * width, width));
                }
            }
            case SequenceBatch sequences -> {
                float[] data = sequences.values().data();
                int width = architecture.width();
                for (int i = 0; i < sequences.lengths().length; i++) {
                    List<Object> steps = new ArrayList<>();
                    for (int t = 0; t < sequences.lengths()[i]; t++) {
                        steps.add(floats(data, (sequences.offsets()[i] + t) * width, width));
                    }
                    examples.add(steps);
                }
            }
            default -> throw new IllegalStateException("an input kind the test does not make");
        }
        return examples;
    }

    private static List<Double> floats(float[] data, int from, int count) {
        List<Double> values = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            values.add((double) data[i]);
        }
        return values;
    }
}
