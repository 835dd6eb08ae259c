package dev.kiln.nlp.hostile;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Conv1D;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.GlobalPooling1D;
import dev.kiln.engine.model.ModelParts;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A saved model whose Embedding masks id 0 before a Conv1D (edited into a valid file, checksums
 * resealed) is refused when it is loaded, naming the Conv1D, as Keras refuses the mask: it would
 * otherwise load and fail at its first prediction.
 */
class MaskedConv1DFileTest {

    @Test
    void aMaskBeforeAConv1DIsRefusedAtLoad(@TempDir Path folder) throws Exception {
        Sequential model = new Sequential(List.of(new Embedding(30, 4, false, "embedding"),
                new Conv1D(3, 2, 1, 1, false, Activation.RELU, "my_conv"), GlobalPooling1D.max("global_max_pooling1d"),
                new Dense(1, Activation.LINEAR, "dense")));
        model.build(0, new Rng(1));
        Path file = folder.resolve("model.kiln");
        ModelFile.save(file, model, new AtomicFileWriter(false));
        ModelFile.load(file, ModelParts.engine()); // the unmasked model loads

        KilnFileEditor editor = new KilnFileEditor(Files.readAllBytes(file));
        String metadata = editor.metadataText();
        String masked = metadata.replaceFirst("\"mask_zero\"\\s*:\\s*false", "\"mask_zero\":true");
        assertNotEquals(metadata, masked, metadata);
        editor.metadata = masked.getBytes(StandardCharsets.UTF_8);
        Files.write(file, editor.seal());
        CheckpointFormatException error = assertThrows(CheckpointFormatException.class,
                () -> ModelFile.load(file, ModelParts.engine()));
        assertTrue(error.getMessage().contains("my_conv") && error.getMessage().contains("masking"), error.getMessage());
    }
}
