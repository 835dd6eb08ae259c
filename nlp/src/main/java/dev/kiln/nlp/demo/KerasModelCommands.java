package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.keras.KerasImport;
import dev.kiln.checkpoint.keras.KerasInput;
import dev.kiln.checkpoint.keras.KerasModelFile;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.loss.CategoricalCrossentropy;
import dev.kiln.engine.loss.Loss;
import dev.kiln.engine.loss.MeanError;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Keras model files given where the command line takes a Kiln model: {@code predict --model
 * FILE.keras|FILE.h5} and {@code inspect FILE.keras|FILE.h5} (told by the name; the loader then
 * tells the format by content).
 */
final class KerasModelCommands {
    private KerasModelCommands() {}

    /** Whether {@code file} is named as a Keras model file (.keras, .h5, .hdf5). */
    static boolean isKerasFile(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".keras") || name.endsWith(".h5") || name.endsWith(".hdf5");
    }

    /**
     * The Keras model in {@code file}, compiled for predictions: its outputs read as probabilities
     * when it ends in a sigmoid or a softmax, as values otherwise. {@code predict} answers for
     * texts, so the model must start with TextVectorization.
     */
    static Sequential forPredict(Path file, Engine engine) throws IOException {
        KerasImport imported = KerasModelFile.load(file, SeedModel.kerasLayers());
        if (imported.input().kind() != KerasInput.Kind.TEXTS) {
            throw new IllegalArgumentException(file + ": the model takes " + switch (imported.input().kind()) {
                case TOKEN_IDS -> "token ids (its first layer is an Embedding)";
                case VECTORS -> "vectors of " + imported.input().buildWidth() + " numbers";
                case SEQUENCES -> "sequences of vectors of " + imported.input().buildWidth() + " numbers";
                default -> "an input the config does not describe";
            } + "; kiln predict answers for texts, which needs a model that starts with TextVectorization");
        }
        Object activation = imported.model().layers().getLast().config().values().get("activation");
        Loss reading = "sigmoid".equals(activation) ? new BinaryCrossentropy(false, 0)
                : "softmax".equals(activation) ? new CategoricalCrossentropy(false) : MeanError.squared();
        imported.model().compile(reading, List.of(), engine);
        return imported.model();
    }
}
