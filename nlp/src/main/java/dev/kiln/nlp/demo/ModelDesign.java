package dev.kiln.nlp.demo;

import dev.kiln.engine.model.Sequential;
import dev.kiln.nlp.TextVectorization;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A text model demo and train can build (--model): one of the built-in architectures (seed,
 * stacked, cnn), or a Keras Sequential config read from a file.
 */
sealed interface ModelDesign permits Architecture, KerasConfigDesign {

    /** How a run names the model: "seed", "stacked", "cnn", or the config's file. */
    String label();

    /** The model's TextVectorization, before it is adapted; {@code maxTokens} is --max-tokens (the built-in models'). */
    TextVectorization encoder(int maxTokens);

    /**
     * The model around {@code encoder} (adapted), with weights drawn from {@code seed}, ending in
     * the head {@code target} needs, its class names set.
     */
    Sequential build(TextVectorization encoder, long seed, Target target) throws IOException;

    /** The design a --model value names: seed, stacked, cnn, or a Keras config FILE.json. */
    static ModelDesign named(String value) throws CommandLine.UsageException, IOException {
        for (Architecture architecture : Architecture.values()) {
            if (architecture.label().equals(value)) {
                return architecture;
            }
        }
        if (value.endsWith(".json") || value.contains("/") || value.contains(File.separator)) {
            return KerasConfigDesign.read(Path.of(value));
        }
        throw new CommandLine.UsageException("--model expects seed, stacked, cnn or a Keras config FILE.json, got '" + value + "'");
    }
}
