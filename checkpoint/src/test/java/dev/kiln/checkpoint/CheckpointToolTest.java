package dev.kiln.checkpoint;

import dev.kiln.checkpoint.format.Safetensors;
import dev.kiln.checkpoint.format.TensorFile;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointToolTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/model-v1.kiln");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CheckpointTool.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void inspectDescribesTheGoldenFileWithoutReadingTensorData() {
        assertEquals(0, run("inspect", GOLDEN.toString()));
        String report = out.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("Kiln checkpoint, format 1 (needs a reader >= 1)"), report);
        assertTrue(report.contains("\"class_name\": \"Bidirectional\""), report);
        assertTrue(report.contains("\"iterations\": 2"), report);
        assertTrue(report.contains("weights/embedding/embeddings") && report.contains("[12, 4]"), report);
        assertTrue(report.contains("optimizer/v/dense_1/bias"), report);
    }

    @Test
    void exportThenImportGivesTheSameWeightsWithoutOptimizerState(@TempDir Path dir) throws IOException {
        Path exported = dir.resolve("model.safetensors");
        Path imported = dir.resolve("imported.kiln");
        assertEquals(0, run("export", "--safetensors", GOLDEN.toString(), exported.toString()), err.toString());
        assertEquals(0, run("import", "--safetensors", exported.toString(), "--template", GOLDEN.toString(), imported.toString()),
                err.toString());
        TensorFile.Contents original = TensorFile.read(GOLDEN);
        TensorFile.Contents copy = TensorFile.read(imported);
        original.tensors().forEach((name, tensor) -> {
            if (name.startsWith("weights/")) {
                assertArrayEquals(tensor.data(), copy.tensors().get(name).data(), name);
            }
        });
        assertTrue(copy.tensors().keySet().stream().allMatch(n -> n.startsWith("weights/")), "no optimizer tensors");
        assertTrue(Safetensors.read(exported).metadata().get("kiln").contains("Bidirectional"));

        Map<String, Tensor> wrong = new LinkedHashMap<>(Safetensors.read(exported).tensors());
        wrong.put("stray", wrong.values().iterator().next());
        Path withStray = dir.resolve("stray.safetensors");
        Safetensors.write(withStray, wrong, Map.of(), new AtomicFileWriter(false));
        assertEquals(1, run("import", "--safetensors", withStray.toString(), "--template", GOLDEN.toString(),
                dir.resolve("x.kiln").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("tensors [stray] match no parameter"), err.toString());
    }

    @Test
    void usageErrorsExitWithTwoAndShowTheUsage() {
        assertEquals(2, run("explode"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'explode'"));
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("export --safetensors MODEL OUT"));
    }
}
