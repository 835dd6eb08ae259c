package dev.kiln.checkpoint;

import dev.kiln.engine.tensor.Tensor;
import dev.kiln.engine.testing.ApiDocumentation;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiDocumentationTest {
    /** javadoc's "no comment" findings, which the javadoc build (doclint without "missing") does not fail on. */
    @Test
    void everyExportedTypeAndMemberHasAComment() {
        List<String> uncommented = ApiDocumentation.uncommented(Path.of("src/main/java"), "dev.kiln.checkpoint", Tensor.class);
        assertTrue(uncommented.isEmpty(), uncommented.size() + " public or protected elements of exported packages have no"
                + " javadoc comment:\n" + String.join("\n", uncommented));
    }
}
