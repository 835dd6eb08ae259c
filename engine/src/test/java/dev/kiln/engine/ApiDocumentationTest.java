package dev.kiln.engine;

import dev.kiln.engine.testing.ApiDocumentation;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiDocumentationTest {
    /** What the javadoc build (doclint without "missing") does not fail on: an API element without a comment. */
    @Test
    void everyExportedTypeAndMemberHasAComment() {
        List<String> uncommented = ApiDocumentation.uncommented(Path.of("src/main/java"));
        assertTrue(uncommented.isEmpty(), uncommented.size() + " public or protected elements of exported packages have no"
                + " javadoc comment:\n" + String.join("\n", uncommented));
    }
}
