package dev.kiln.nlp;

import dev.kiln.checkpoint.io.StrictUtf8;
import dev.kiln.checkpoint.keras.KerasInput;
import dev.kiln.checkpoint.keras.KerasKey;
import dev.kiln.checkpoint.keras.KerasLayer;
import dev.kiln.checkpoint.keras.KerasSavedState;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.tensor.Shape;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import dev.kiln.checkpoint.keras.KerasConfigException;

import java.util.Map;
import java.util.regex.Pattern;

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
            .asset("vocabulary.txt", new KerasLayer.AssetReader() {
                @Override
                public Map<String, Object> read(byte[] bytes, String source) throws KerasConfigException {
                    return vocabularyAsset(bytes, source);
                }

                @Override
                public void missing(Map<String, Object> kerasConfig, String source) throws KerasConfigException {
                    if (kerasConfig.get("vocabulary") == null) { // adapted: Keras saved the vocabulary as this asset
                        throw new KerasConfigException(source + ": missing; the TextVectorization's config has no vocabulary"
                                + " (it was adapted), and Keras saves an adapted vocabulary as this entry");
                    }
                }
            })
            .createdBy(config -> TextVectorization.fromConfig(config, false))
            .saves(new SavedVocabulary())
            .build();

    private TextVectorizationKeras() {}

    /**
     * What Keras 3 saves of an adapted TextVectorization in a .keras archive (IndexLookup's
     * save_assets and save_own_variables, through the layer and again through its inner StringLookup,
     * {@code _lookup_layer}, which Keras' saving walks into): {@code vocabulary.txt}, the vocabulary
     * with its special entries, one token a line, joined by '\n' without a final one, UTF-8; in
     * tf_idf mode the {@code idf_weights} variable, float32, one per vocabulary entry.
     */
    private static final class SavedVocabulary implements KerasSavedState {
        @Override
        public List<Asset> assets(PartConfig config) {
            if (!(vocabulary(config) instanceof List<?> tokens)) {
                return List.of();
            }
            List<String> lines = new ArrayList<>();
            for (Object token : tokens) {
                String text = String.valueOf(token);
                for (int i = 0; i < text.length(); i++) {
                    if (LINE_BREAKS.indexOf(text.charAt(i)) >= 0) {
                        throw new IllegalArgumentException("layer '" + config.getName() + "': vocabulary token '" + text
                                + "' holds a line break (U+" + String.format(Locale.ROOT, "%04X", (int) text.charAt(i))
                                + "), which vocabulary.txt, one token a line, cannot hold");
                    }
                }
                lines.add(text);
            }
            return List.of(new Asset("vocabulary.txt", String.join("\n", lines).getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public List<NamedVariable> namedVariables(PartConfig config) {
            if (!(config.values().get("idf_weights") instanceof List<?> weights) || weights.isEmpty()) {
                return List.of();
            }
            float[] values = new float[weights.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = ((Number) weights.get(i)).floatValue();
            }
            return List.of(new NamedVariable("idf_weights", Shape.of(values.length), values));
        }

        @Override
        public List<String> alsoUnder() {
            return List.of("_lookup_layer");
        }
    }

    /** The line breaks Python's str.splitlines() splits on, with which Keras' IndexLookup.load_assets reads the file. */
    private static final String LINE_BREAKS = "\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029";
    private static final Pattern LINES = Pattern.compile("\r\n|[" + LINE_BREAKS + "]");

    /**
     * The vocabulary of an adapted TextVectorization in a .keras archive: Keras 3's
     * IndexLookup.save_assets writes get_vocabulary(include_special_tokens=True) joined by newlines
     * (int mode: '' and '[UNK]' first) to vocabulary.txt in the layer's assets directory; it is read
     * as Keras' load_assets reads it (UTF-8, split into lines, trailing empty lines dropped).
     */
    private static Map<String, Object> vocabularyAsset(byte[] bytes, String source) throws KerasConfigException {
        String text = StrictUtf8.decode(bytes).orElseThrow(() -> new KerasConfigException(source
                + ": not UTF-8 text; Keras writes a vocabulary as UTF-8 lines"));
        List<String> lines = new ArrayList<>(List.of(LINES.split(text, -1)));
        while (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        return Map.of("vocabulary", lines);
    }

    /** The layer's vocabulary ('' and '[UNK]' first, as Keras' get_vocabulary gives it, which Keras reads back), or None. */
    private static Object vocabulary(PartConfig config) {
        return config.values().get("vocabulary") instanceof List<?> tokens && !tokens.isEmpty() ? tokens : null;
    }
}
