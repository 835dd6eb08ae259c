package dev.kiln.checkpoint;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class InspectTest {

    @Test
    void describesTheGoldenFileWithoutReadingTensorData() throws IOException {
        String report = Inspect.describe(Path.of("src/test/resources/golden/model-v1.kiln"));
        assertTrue(report.contains("Kiln checkpoint, format 1 (needs a reader >= 1)"), report);
        assertTrue(report.contains("\"class_name\": \"Bidirectional\""), report);
        assertTrue(report.contains("\"iterations\": 2"), report);
        assertTrue(report.contains("weights/embedding/embeddings") && report.contains("[12, 4]"), report);
        assertTrue(report.contains("optimizer/v/dense_1/bias"), report);
    }
}
