package dev.kiln.checkpoint.keras;

import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.json.JsonWriter;
import dev.kiln.engine.testing.DebianPython;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs checkpoint/src/test/python/keras_loader_mirror.py (Keras 3's loader checks with h5py and
 * zipfile, and a NumPy forward pass) on exported files, all in one python call.
 */
final class KerasLoaderMirror {
    private static final Path SCRIPT = Path.of("src/test/python/keras_loader_mirror.py").toAbsolutePath();

    /** One file to check: its inputs' kind (ids, vectors, sequences), the examples, the layers the script leaves out first. */
    record Request(Path file, String kind, List<?> examples, int skip) {}

    /** What the script says of one file: the loader's objections (none: accepted) and NumPy's outputs per example. */
    record Verdict(List<String> errors, List<List<Double>> outputs) {}

    private KerasLoaderMirror() {}

    static Map<Path, Verdict> run(List<Request> requests, Path dir) throws IOException, InterruptedException {
        List<Object> json = new ArrayList<>();
        for (Request request : requests) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("file", request.file().toString());
            entry.put("kind", request.kind());
            entry.put("examples", request.examples());
            entry.put("skip", request.skip());
            json.add(entry);
        }
        Path input = dir.resolve("mirror-requests.json");
        Files.writeString(input, JsonWriter.write(json));
        Process process = new ProcessBuilder(DebianPython.PATH.toString(), SCRIPT.toString(), input.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("keras_loader_mirror.py failed (exit " + process.exitValue() + ")");
        }
        Map<?, ?> parsed = (Map<?, ?>) JsonReader.parse(new String(output, StandardCharsets.UTF_8), "keras_loader_mirror.py");
        Map<Path, Verdict> verdicts = new LinkedHashMap<>();
        for (Request request : requests) {
            Map<?, ?> result = (Map<?, ?>) parsed.get(request.file().toString());
            List<List<Double>> outputs = new ArrayList<>();
            for (Object row : (List<?>) result.get("outputs")) {
                outputs.add(((List<?>) row).stream().map(v -> ((Number) v).doubleValue()).toList());
            }
            verdicts.put(request.file(), new Verdict(((List<?>) result.get("errors")).stream().map(String.class::cast).toList(),
                    outputs));
        }
        return verdicts;
    }

    /**
     * Asserts NumPy's outputs (one row per example, float64) equal Kiln's {@code predicted}
     * (examples x width, float32) within 1e-5 relative to the larger of the value and the model's
     * largest output: an output near 0 carries float32's rounding of the larger values it came from.
     */
    static void assertSameOutputs(String name, Verdict verdict, float[] predicted) {
        int examples = verdict.outputs().size();
        assertTrue(examples > 0, name + ": no outputs");
        int width = verdict.outputs().getFirst().size();
        double scale = verdict.outputs().stream().flatMap(List::stream).mapToDouble(Math::abs).max().orElse(0);
        assertEquals(examples * width, predicted.length, name + ": outputs");
        for (int i = 0; i < examples; i++) {
            for (int j = 0; j < width; j++) {
                double want = verdict.outputs().get(i).get(j);
                double got = predicted[i * width + j];
                assertTrue(Math.abs(got - want) <= 1e-5 * Math.max(Math.abs(want), Math.max(scale, 1e-3)),
                        name + " example " + i + " output " + j + ": Kiln " + got + ", NumPy " + want);
            }
        }
    }
}
