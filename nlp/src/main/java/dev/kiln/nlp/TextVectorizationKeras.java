package dev.kiln.nlp;

import dev.kiln.checkpoint.keras.KerasInput;
import dev.kiln.checkpoint.keras.KerasKey;
import dev.kiln.checkpoint.keras.KerasLayer;
import dev.kiln.engine.part.PartConfig;

import java.util.List;

import static dev.kiln.checkpoint.keras.KerasKey.nullOnly;
import static dev.kiln.checkpoint.keras.KerasKey.only;
import static dev.kiln.checkpoint.keras.KerasKey.read;

/**
 * Keras' TextVectorization config, key by key (what Keras 3 and tf.keras 2.6+ write in its
 * get_config), for reading Keras model configs: {@code KerasLayers.engine().with(TextVectorizationKeras.TABLE)}.
 * Kiln reads max_tokens, standardize, split, ngrams, output_mode (int, multi_hot, count,
 * tf_idf), output_sequence_length, pad_to_max_tokens, the vocabulary (None: the layer is made
 * without one, to adapt) and tf_idf's idf weights; the other options are accepted at the value
 * Kiln computes and refused otherwise.
 */
public final class TextVectorizationKeras {
    /** The table: TextVectorization becomes Kiln's TextVectorization, taking raw texts. */
    public static final KerasLayer TABLE = KerasLayer.builder("TextVectorization", TextVectorization.TYPE)
            .key("dtype", KerasKey.dtype("float32", "string")) // Keras 3 writes the float32 policy, tf.keras 2 "string"
            .key("max_tokens", read(-1))
            .key("standardize", read("none"))
            .key("split", read("none"))
            .key("ngrams", read(-1))
            .key("output_mode", read())
            .key("output_sequence_length", read(-1))
            .key("pad_to_max_tokens", read())
            .key("sparse", only(false, "Kiln's outputs are dense"))
            .key("ragged", only(false, "Kiln pads a batch to its longest text, or to output_sequence_length"))
            .key("vocabulary", KerasKey.readOptional().writtenAs(TextVectorizationKeras::vocabulary))
            .key("idf_weights", KerasKey.readOptional())
            .key("encoding", only("utf-8", "Kiln reads texts as Java strings: Unicode, UTF-8 in files"))
            .key("vocabulary_size", KerasKey.any("the size of the vocabulary, which the vocabulary itself gives")
                    .writtenAs(config -> vocabulary(config) instanceof List<?> tokens ? tokens.size() : null))
            .takes(KerasInput.Kind.TEXTS)
            .createdBy(config -> TextVectorization.fromConfig(config, false))
            .build();

    private TextVectorizationKeras() {}

    /** The layer's vocabulary ('' and '[UNK]' first, as Keras' get_vocabulary gives it, which Keras reads back), or None. */
    private static Object vocabulary(PartConfig config) {
        return config.values().get("vocabulary") instanceof List<?> tokens && !tokens.isEmpty() ? tokens : null;
    }
}
