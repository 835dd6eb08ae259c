package dev.kiln.nlp;

import dev.kiln.engine.model.ModelParts;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A model that starts with TextVectorization, saved and loaded: same vocabulary, same predictions on raw text. */
class SavedTextModelTest {

    @Test
    void aLoadedModelPredictsRawTextExactlyAsTheSavedOne(@TempDir Path folder) throws IOException {
        TextVectorization vectorizer = new TextVectorization(50);
        try (ComputePool pool = ComputePool.withThreads(2)) {
            Sequential model = TinyTextModel.build(vectorizer, List.of("a fine film", "a dull film", "fine acting and a fine plot"), pool);
            Path file = folder.resolve("best_model.kiln");
            ModelFile.save(file, model, new AtomicFileWriter(true));

            ModelParts registry = ModelParts.engine().withLayer(TextVectorization.TYPE, TextVectorization::fromConfig);
            Sequential loaded = ModelFile.load(file, registry).model();
            loaded.compile(new Adam(1e-3f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            assertEquals(vectorizer.getVocabulary(), ((TextVectorization) loaded.layers().get(0)).getVocabulary());
            Texts reviews = Texts.of("A fine film!", "dull", "never seen words");
            assertArrayEquals(model.predict(reviews).data(), loaded.predict(reviews).data());
        }
    }
}
