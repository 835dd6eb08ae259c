package dev.kiln.nlp;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vector modes, n-grams and pad_to_max_tokens: configs, Keras' rules and the errors that name them. */
class TextVectorizationModesTest {

    private static TextVectorization tfIdf() {
        TextVectorization layer = TextVectorization.builder().maxTokens(10).outputMode(TextVectorization.OutputMode.TF_IDF)
                .ngrams(Ngrams.upTo(2)).name("tv").build();
        try (ComputePool pool = ComputePool.singleThreaded()) {
            layer.adapt(List.of("a good film", "a bad film", "good good"), pool);
        }
        return layer;
    }

    /** {@code config} with {@code key} set to {@code value} (null: removed). */
    private static PartConfig with(PartConfig config, String key, Object value) {
        Map<String, Object> values = new LinkedHashMap<>(config.values());
        values.put(key, value);
        PartConfig.Builder builder = PartConfig.layer(config.type());
        values.forEach((k, v) -> {
            switch (v) {
                case null -> { }
                case Integer number -> builder.put(k, number.intValue());
                case Double number -> builder.put(k, number.doubleValue());
                case Boolean flag -> builder.put(k, flag.booleanValue());
                case String text -> builder.put(k, text);
                case List<?> list -> builder.put(k, list);
                default -> throw new IllegalArgumentException(v.toString());
            }
        });
        return builder.build();
    }

    private static void assertRefused(PartConfig config, String... parts) {
        assertMessage(IllegalArgumentException.class, () -> TextVectorization.fromConfig(config), parts);
    }

    private static void assertMessage(Class<? extends RuntimeException> type, Executable call, String... parts) {
        String message = assertThrows(type, call).getMessage();
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' not in: " + message);
        }
    }

    @Test
    void theConfigHasKerasNamesAndEveryKeyIsListedOnce() {
        PartConfig config = tfIdf().config();
        assertEquals(TextVectorization.CONFIG_KEYS, List.copyOf(config.values().keySet()), "tf_idf writes every key, in order");
        assertEquals("tf_idf", config.values().get("output_mode"));
        assertEquals(2, config.values().get("ngrams"));
        assertEquals(false, config.values().get("pad_to_max_tokens"));
        assertEquals(List.of("[UNK]", "good", "film", "a", "good good", "good film", "bad film", "bad", "a good", "a bad"),
                config.values().get("vocabulary"), "no mask token; count descending, then bytes descending");
        List<String> intKeys = new ArrayList<>(TextVectorization.CONFIG_KEYS);
        intKeys.remove("idf_weights");
        assertEquals(intKeys, List.copyOf(new TextVectorization(5).config().values().keySet()));
        assertEquals(List.of(1, 3), TextVectorization.builder().ngrams(Ngrams.of(1, 3)).build().config().values().get("ngrams"));
        assertEquals(-1, new TextVectorization(5).config().values().get("ngrams"), "Keras' None");
    }

    @Test
    void aConfigWithoutTheNewKeysStillLoadsAsBefore() {
        PartConfig old = PartConfig.layer(TextVectorization.TYPE).put("name", "text_vectorization").put("max_tokens", 5)
                .put("standardize", "lower_and_strip_punctuation").put("split", "whitespace").put("output_mode", "int")
                .put("output_sequence_length", -1).put("vocabulary", List.of("", "[UNK]", "a")).build();
        TextVectorization layer = TextVectorization.fromConfig(old);
        assertEquals(Ngrams.none(), layer.ngrams());
        assertArrayEquals(new int[] {2, 1}, layer.encode("a b"));
        TextVectorization noLimit = TextVectorization.fromConfig(with(old, "max_tokens", null));
        assertEquals(-1, noLimit.config().values().get("max_tokens"), "absent is Keras' None");
    }

    @Test
    void kerasOldModeNamesAreRead() {
        PartConfig counts = TextVectorization.builder().outputMode(TextVectorization.OutputMode.MULTI_HOT).build().config();
        PartConfig binary = with(with(counts, "output_mode", "binary"), "vocabulary", List.of("[UNK]", "x"));
        assertEquals(TextVectorization.OutputMode.MULTI_HOT, TextVectorization.fromConfig(binary).outputMode());
        PartConfig weighted = with(with(with(tfIdf().config(), "output_mode", "tf-idf"), "vocabulary", List.of("[UNK]", "x")),
                "idf_weights", List.of(1.0, 2.0));
        assertEquals(TextVectorization.OutputMode.TF_IDF, TextVectorization.fromConfig(weighted).outputMode());
    }

    @Test
    void badOutputModesAreRefusedNamingTheChoices() {
        PartConfig config = tfIdf().config();
        for (Object mode : new Object[] {"one_hot", "tfidf", 3}) {
            assertRefused(with(config, "output_mode", mode), "layer 'tv' (TextVectorization): 'output_mode' is ",
                    "allowed: one of [int, multi_hot, count, tf_idf]");
        }
        assertRefused(with(config, "output_mode", null), "'output_mode' is missing");
        assertRefused(with(config, "standardize", "upper"), "'standardize' is \"upper\"",
                "[lower_and_strip_punctuation, lower, strip_punctuation, none]");
        assertRefused(with(config, "split", "sentence"), "'split' is \"sentence\"", "[whitespace, character, none]");
        assertRefused(with(config, "sparse", false), "unknown key 'sparse'");
    }

    @Test
    void ngramsMustBeNoneOrPositiveWidths() {
        PartConfig config = tfIdf().config();
        for (Object ngrams : new Object[] {0, -2, 33, List.of(), List.of(1, 0), List.of(2.0), "2"}) {
            assertRefused(with(config, "ngrams", ngrams), "'ngrams' is ", "allowed: -1 (none), an integer from 1 to 32");
        }
        assertMessage(IllegalArgumentException.class, () -> Ngrams.upTo(0), "from 1 to 32, got 0");
        assertMessage(IllegalArgumentException.class, () -> Ngrams.of(), "1 to 32 of them, got 0");
        assertMessage(IllegalArgumentException.class, () -> Ngrams.of(2, -1), "a width must be from 1 to 32, got -1");
        assertEquals(List.of(1, 2, 3), Ngrams.upTo(3).widths());
        assertEquals("(2, 2)", Ngrams.of(2, 2).toString());
        assertEquals("None", Ngrams.none().toString());
    }

    @Test
    void idfWeightsMustMatchTheVocabularyAndBeFiniteAndNonNegative() {
        TextVectorization layer = tfIdf();
        PartConfig config = layer.config();
        assertRefused(with(config, "idf_weights", List.of(1.0, 2.0)), "'idf_weights' is [1.0, 2.0]; allowed: a list of 10"
                + " numbers >= 0 and finite in float32, one per vocabulary entry");
        assertRefused(with(config, "idf_weights", null), "'idf_weights' is missing");
        List<Object> weights = new ArrayList<>((List<?>) config.values().get("idf_weights"));
        weights.set(3, -0.5);
        assertRefused(with(config, "idf_weights", weights), "'idf_weights' has -0.5 at index 3");
        weights.set(3, "NaN");
        assertRefused(with(config, "idf_weights", weights), "'idf_weights' has \"NaN\" at index 3");
        weights.set(3, 1e39);
        assertRefused(with(config, "idf_weights", weights), "'idf_weights' has 1.0E39 at index 3");
        PartConfig counts = with(with(config, "output_mode", "count"), "max_tokens", 12);
        assertRefused(counts, "'idf_weights' is set but output_mode is 'count'");

        List<String> vocabulary = List.of("x", "y");
        assertMessage(IllegalArgumentException.class, () -> layer.setVocabulary(vocabulary, new float[] {1}),
                "1 idf weights for a vocabulary of 2 entries");
        assertMessage(IllegalArgumentException.class, () -> layer.setVocabulary(vocabulary, new float[] {1, Float.NaN}),
                "idf weight 1 is NaN");
        assertMessage(IllegalArgumentException.class, () -> layer.setVocabulary(vocabulary), "idf weights must be set");
        TextVectorization count = TextVectorization.builder().outputMode(TextVectorization.OutputMode.COUNT).build();
        assertMessage(IllegalArgumentException.class, () -> count.setVocabulary(vocabulary, new float[] {1, 2}),
                "only be set when output_mode is 'tf_idf', not 'count'");
    }

    @Test
    void specialEntriesOfTfIdfWeightsAreTheMeanWhenNotGiven() {
        TextVectorization layer = TextVectorization.builder().outputMode(TextVectorization.OutputMode.TF_IDF).build();
        layer.setVocabulary(List.of("x", "y"), new float[] {1, 2});
        assertEquals(List.of("[UNK]", "x", "y"), layer.getVocabulary());
        assertArrayEquals(new float[] {1.5f, 1, 2}, layer.getIdfWeights());
        layer.setVocabulary(List.of("[UNK]", "x", "y"), new float[] {0.25f, 1, 2});
        assertArrayEquals(new float[] {0.25f, 1, 2}, layer.getIdfWeights(), "given with '[UNK]': kept");
        assertArrayEquals(new float[] {0.25f, 2, 0}, layer.vectorize("Nope x x"), "count times idf, '[UNK]' at 0");
    }

    @Test
    void padToMaxTokensNeedsMaxTokensAndWidensTheRows() {
        PartConfig config = with(tfIdf().config(), "pad_to_max_tokens", true);
        assertRefused(with(config, "max_tokens", -1), "'pad_to_max_tokens' is true but max_tokens is -1 (none)");
        assertRefused(with(config, "max_tokens", TextVectorization.MAX_PADDED_WIDTH + 1), "'max_tokens' is 1048577; allowed: at"
                + " most 1048576 with pad_to_max_tokens");
        assertRefused(with(config, "pad_to_max_tokens", "yes"), "'pad_to_max_tokens' is \"yes\"; allowed: true or false");
        assertMessage(IllegalArgumentException.class, () -> TextVectorization.builder().padToMaxTokens(true).build(),
                "padToMaxTokens needs maxTokens");

        TextVectorization padded = TextVectorization.builder().maxTokens(6).outputMode(TextVectorization.OutputMode.MULTI_HOT)
                .padToMaxTokens(true).build();
        assertEquals(new ValueSpec(ValueSpec.FEATURES, 6), padded.build(ValueSpec.input(0), ParameterSource.initial(new Rng(1))),
                "the width is known before the vocabulary");
        padded.setVocabulary(List.of("a"));
        assertArrayEquals(new float[] {1, 1, 0, 0, 0, 0}, padded.vectorize("a b a"));
        padded.setVocabulary(List.of("a", "b", "c"));
        assertEquals("(None, 6)", padded.outputShape());
    }

    @Test
    void maxTokensAndOutputSequenceLengthFollowTheMode() {
        PartConfig config = tfIdf().config();
        assertRefused(with(config, "output_sequence_length", 5), "'output_sequence_length' is 5; allowed: -1 (none) when"
                + " output_mode is 'tf_idf'");
        assertRefused(with(config, "max_tokens", 1), "'max_tokens' is 1; allowed: -1 (none) or an integer from 2 to");
        TextVectorization two = TextVectorization.builder().maxTokens(2).outputMode(TextVectorization.OutputMode.COUNT).build();
        try (ComputePool pool = ComputePool.singleThreaded()) {
            two.adapt(List.of("b a a"), pool);
        }
        assertEquals(List.of("[UNK]", "a"), two.getVocabulary(), "max_tokens - 1 learned tokens outside int mode");
        assertMessage(IllegalArgumentException.class, () -> new TextVectorization(2), "maxTokens must be from 3");
        assertMessage(IllegalArgumentException.class, () -> TextVectorization.builder().outputSequenceLength(4)
                .outputMode(TextVectorization.OutputMode.COUNT).build(), "outputSequenceLength must not be set");
    }

    @Test
    void theVectorModesNeedTheirVocabularyBeforeBuildingAndKeepItsSize() {
        TextVectorization layer = TextVectorization.builder().outputMode(TextVectorization.OutputMode.COUNT).name("bag").build();
        assertMessage(IllegalStateException.class, () -> layer.build(ValueSpec.input(0), ParameterSource.initial(new Rng(1))),
                "'bag': with output_mode 'count' and pad_to_max_tokens false, the vocabulary");
        layer.setVocabulary(List.of("a", "b"));
        assertEquals(new ValueSpec(ValueSpec.FEATURES, 3), layer.build(ValueSpec.input(0), ParameterSource.initial(new Rng(1))));
        layer.setVocabulary(List.of("c", "d"));
        assertMessage(IllegalStateException.class, () -> layer.setVocabulary(List.of("a")),
                "the vocabulary size cannot change once the layer is built", "it was 3, the new vocabulary has 2 entries");
        assertEquals(List.of("[UNK]", "c", "d"), layer.getVocabulary());
    }

    @Test
    void theMaskTokenIsNeverAVectorModeEntryAndEmptyTokensAreDropped() {
        TextVectorization layer = TextVectorization.builder().outputMode(TextVectorization.OutputMode.COUNT)
                .tokenizer(Tokenizer.of(Tokenizer.Standardize.NONE, Tokenizer.Split.NONE)).build();
        assertMessage(IllegalArgumentException.class, () -> layer.setVocabulary(List.of("", "[UNK]", "a")),
                "vocabulary entry 1 is the mask token ''", "in this order: ['[UNK]']");
        layer.setVocabulary(List.of("[UNK]", "a"));
        assertArrayEquals(new float[] {0, 0}, layer.vectorize(""), "an empty text is the mask token: dropped");
        assertArrayEquals(new float[] {1, 0}, layer.vectorize("a "));
        assertArrayEquals(new float[] {0, 1}, layer.vectorize("a"));
        assertEquals(List.of("a", "[UNK]"), layer.decode(new int[] {1, 0}));
    }

    @Test
    void eachModeHasItsOwnEncoding() {
        TextVectorization counts = TextVectorization.builder().outputMode(TextVectorization.OutputMode.COUNT).name("c").build();
        counts.setVocabulary(List.of("a"));
        assertMessage(IllegalStateException.class, () -> counts.encode("a"), "output_mode is 'count'; vectorize gives its vector");
        assertMessage(IllegalStateException.class, counts::getIdfWeights, "only in output_mode 'tf_idf', not 'count'");
        TextVectorization ids = new TextVectorization(5);
        ids.setVocabulary(List.of("a"));
        assertMessage(IllegalStateException.class, () -> ids.vectorize("a"), "output_mode is 'int'; encode gives its ids");
    }

    @Test
    void intModeMakesNgramIdsInTensorFlowsOrder() {
        TextVectorization layer = TextVectorization.builder().ngrams(Ngrams.of(2, 1)).build();
        layer.setVocabulary(List.of("a", "b", "a b"));
        assertArrayEquals(new int[] {4, 1, 2, 3, 2}, layer.encode("a b a"), "bigrams first, then unigrams, each left to right");
        try (ComputePool pool = ComputePool.singleThreaded()) {
            TextVectorization fromTexts = TextVectorization.builder().ngrams(Ngrams.of(2, 1)).build();
            fromTexts.adapt(List.of("a b a"), pool);
            assertEquals(List.of("", "[UNK]", "a", "b a", "b", "a b"), fromTexts.getVocabulary());
        }
    }

    @Test
    void adaptRefusesATfIdfCorpusWithoutTokens() {
        TextVectorization layer = TextVectorization.builder().outputMode(TextVectorization.OutputMode.TF_IDF).build();
        try (ComputePool pool = ComputePool.singleThreaded()) {
            assertMessage(IllegalArgumentException.class, () -> layer.adapt(List.of("", "!!"), pool),
                    "adapt found no token in 2 texts");
        }
    }
}
