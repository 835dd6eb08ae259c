package dev.kiln.checkpoint.keras;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** checkpoint/KERAS.md shows every table of the engine's layers as the code has it (KerasLayer.describe). */
class KerasTablesDocumentationTest {
    /** The documented tables, or the reason a test fails: the one to paste in. */
    static void assertDocumented(KerasLayer table, Path document) throws IOException {
        String text = Files.readString(document);
        assertTrue(text.contains(table.describe()), () -> document + " does not show the table of " + table.kerasClass()
                + " as the code has it; it should read:\n" + table.describe());
    }

    @Test
    void kerasMdShowsEveryEngineTable() throws IOException {
        KerasLayers engine = KerasLayers.engine();
        for (String kerasClass : engine.kerasClasses()) {
            assertDocumented(engine.table(kerasClass).orElseThrow(), Path.of("KERAS.md"));
        }
    }
}
