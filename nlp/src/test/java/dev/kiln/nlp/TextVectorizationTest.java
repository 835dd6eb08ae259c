package dev.kiln.nlp;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keras' TextVectorization rules (keras-semantics.md section 1) on hand-made texts. */
class TextVectorizationTest {

    private static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Tokenizer.keras().tokenize(text, (chars, start, length) -> out.add(new String(chars, start, length)));
        return out;
    }

    private static List<String> learn(List<String> texts, Integer maxTokens) {
        TextVectorization layer = new TextVectorization(maxTokens, Tokenizer.keras(), null, "tv");
        try (ComputePool pool = ComputePool.singleThreaded()) {
            layer.adapt(texts, pool);
        }
        return layer.getVocabulary();
    }

    /** A streaming adapt, over several groups of texts, learns what adapt on the whole list learns, on any thread count. */
    @Test
    void streamingAdaptLearnsTheSameVocabularyAndIdfWeights() {
        Rng rng = new Rng(3);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            texts.add("w" + rng.nextInt(500) + " w" + rng.nextInt(50) + " common");
        }
        TextVectorization whole = TextVectorization.builder().maxTokens(100).outputMode(TextVectorization.OutputMode.TF_IDF).build();
        TextVectorization streamed = TextVectorization.builder().maxTokens(100).outputMode(TextVectorization.OutputMode.TF_IDF)
                .build();
        try (ComputePool one = ComputePool.singleThreaded(); ComputePool two = ComputePool.withThreads(2)) {
            whole.adapt(texts, one);
            TextVectorization.Adaptation adaptation = streamed.adaptation(two);
            texts.forEach(adaptation);
            assertEquals(30_000, adaptation.texts());
            adaptation.finish();
        }
        assertEquals(whole.getVocabulary(), streamed.getVocabulary());
        assertArrayEquals(whole.getIdfWeights(), streamed.getIdfWeights());
    }

    @Test
    void lowercasingIsAsciiOnlyAndPunctuationIsDeletedNotReplaced() {
        assertEquals(List.of("dont", "stop—É", "café"), tokens("Don't STOP—É café!"));
        assertEquals(List.of("510", "helloworld"), tokens("5/10 hello,world"));
        assertEquals(List.of("great", "br", "br", "film"), tokens("Great <br /><br />film"));
        assertEquals(List.of("“quoted”", "…"), tokens("“Quoted” …"), "non-ASCII punctuation is kept");
        assertEquals(List.of("ΣΟΦΙΑ", "straße"), tokens("ΣΟΦΙΑ Straße"), "only A-Z change case");
        assertEquals(List.of(), tokens("!!! ... ,"));
        // Every one of the 32 characters goes, and nothing else of printable ASCII does.
        StringBuilder printable = new StringBuilder();
        for (char c = 33; c < 127; c++) {
            printable.append(c);
        }
        String kept = String.join("", tokens(printable.toString()));
        assertEquals("0123456789abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", kept);
    }

    @Test
    void splittingUsesExactlyTheSixAsciiWhitespaceCharacters() {
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g"), tokens("  a b\tc\nd\u000Be\ff\rg  "));
        assertEquals(List.of("a\u00A0b", "c\u2003d"), tokens("a\u00A0b c\u2003d"), "NBSP and em space do not split");
        assertEquals(List.of(), tokens(""));
        assertEquals(List.of(), tokens(" \t\n "));
    }

    private static List<String> tokens(String text, Tokenizer.Standardize standardize, Tokenizer.Split split) {
        List<String> out = new ArrayList<>();
        Tokenizer.of(standardize, split).tokenize(text, (chars, start, length) -> out.add(new String(chars, start, length)));
        return out;
    }

    @Test
    void theOtherStandardizeAndSplitChoicesFollowKeras() {
        String text = " Don't STOP—É, café! ";
        assertEquals(List.of("don't", "stop—É,", "café!"), tokens(text, Tokenizer.Standardize.LOWER, Tokenizer.Split.WHITESPACE),
                "lower: ASCII letters only, punctuation kept");
        assertEquals(List.of("Dont", "STOP—É", "café"), tokens(text, Tokenizer.Standardize.STRIP_PUNCTUATION,
                Tokenizer.Split.WHITESPACE), "strip_punctuation: case kept");
        assertEquals(List.of(text), tokens(text, Tokenizer.Standardize.NONE, Tokenizer.Split.NONE));
        assertEquals(List.of(""), tokens("", Tokenizer.Standardize.NONE, Tokenizer.Split.NONE), "an empty text is one empty token");
        assertEquals(List.of("a", " ", "É", "\uD83D\uDE00", "\t", "b"),
                tokens("a É\uD83D\uDE00\tb", Tokenizer.Standardize.LOWER, Tokenizer.Split.CHARACTER),
                "character: every code point, whitespace included");
        assertEquals(List.of("d", "o", "n", "t"), tokens("Don't", Tokenizer.Standardize.LOWER_AND_STRIP_PUNCTUATION,
                Tokenizer.Split.CHARACTER));
        List<String> custom = new ArrayList<>();
        Tokenizer.custom(null, text1 -> List.of(text1.split("o"))).tokenize("Foo Bar", (chars, start, length) ->
                custom.add(new String(chars, start, length)));
        assertEquals(List.of("f", "", " bar"), custom, "a custom split gets the default standardize's text");
    }

    @Test
    void defaultRulesIgnoreTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr"));
            assertEquals(List.of("istanbul", "izmir"), tokens("ISTANBUL Izmir"), "no dotless i under a Turkish locale");
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void vocabularyIsCountDescendingThenUtf8BytesDescending() {
        List<String> texts = List.of(
                "apple apple apple apple apple", "zebra zebra zebra zebra zebra",
                "the the the the the the the the the", "ab ab abc abc b b",
                "été été été été été", "z z z z z");
        assertEquals(List.of("", "[UNK]", "the", "été", "zebra", "z", "apple", "b", "abc", "ab"), learn(texts, null));
    }

    @Test
    void tiesCompareCodePointsNotUtf16Units() {
        // U+1F600 is above U+FB01 as a code point (and in UTF-8), below it as a UTF-16 unit.
        assertEquals(List.of("", "[UNK]", "\uD83D\uDE00", "\uFB01"), learn(List.of("\uFB01 \uD83D\uDE00"), null));
    }

    @Test
    void maxTokensCountsThePaddingAndUnknownEntries() {
        List<String> vocabulary = learn(List.of("a a a b b c"), 4);
        assertEquals(List.of("", "[UNK]", "a", "b"), vocabulary);
    }

    @Test
    void reservedTokensAreNotLearned() {
        TextVectorization layer = new TextVectorization(null, Tokenizer.of(Tokenizer.Standardize.NONE,
                Tokenizer.Split.WHITESPACE), null, "tv");
        try (ComputePool pool = ComputePool.singleThreaded()) {
            layer.adapt(List.of("[UNK] [UNK] x"), pool);
        }
        assertEquals(List.of("", "[UNK]", "x"), layer.getVocabulary());
    }

    @Test
    void encodingMapsUnknownTokensToOneAndPadsOrTruncates() {
        TextVectorization layer = new TextVectorization(null, Tokenizer.keras(), null, "tv");
        layer.setVocabulary(List.of("good", "film"));
        assertArrayEquals(new int[] {2, 1, 3}, layer.encode("Good bad FILM"));
        assertArrayEquals(new int[][] {{2, 3}, {3, 0}}, layer.encodeBatch(List.of("good film", "film")));
        TextVectorization fixed = new TextVectorization(null, Tokenizer.keras(), 2, "tv");
        fixed.setVocabulary(List.of("good", "film"));
        assertArrayEquals(new int[] {2, 1}, fixed.encode("good bad film"));
        assertArrayEquals(new int[] {3, 0}, fixed.encode("film"));
        assertEquals(List.of("good", "[UNK]"), layer.decode(new int[] {2, 1}));
    }

    @Test
    void configRoundTripCarriesTheVocabulary() {
        TextVectorization layer = new TextVectorization(10, Tokenizer.keras(), 5, "text_vectorization");
        layer.setVocabulary(List.of("a", "b"));
        TextVectorization copy = TextVectorization.fromConfig(layer.config());
        assertEquals(layer.getVocabulary(), copy.getVocabulary());
        assertEquals(layer.config(), copy.config());
        TextVectorization custom = new TextVectorization(null, Tokenizer.custom(String::strip, null), null, "tv");
        var error = assertThrows(IllegalArgumentException.class, () -> TextVectorization.fromConfig(custom.config()));
        assertEquals("layer 'tv' (TextVectorization): 'standardize' is 'custom': a custom function cannot be restored from a config",
                error.getMessage());
    }

    @Test
    void badVocabulariesAndMissingOnesAreNamed() {
        TextVectorization layer = new TextVectorization(4, Tokenizer.keras(), null, "tv");
        assertThrows(IllegalArgumentException.class, () -> layer.setVocabulary(List.of("a", "b", "c")));
        var twice = assertThrows(IllegalArgumentException.class, () -> layer.setVocabulary(List.of("a", "a")));
        assertTrue(twice.getMessage().contains("'a' twice"), twice.getMessage());
        var none = assertThrows(IllegalStateException.class, () -> layer.encode("x"));
        assertTrue(none.getMessage().contains("call adapt() or setVocabulary()"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TextVectorization(2));
    }

    @Test
    void aModelThatStartsWithTheLayerPredictsRawText() {
        TextVectorization vectorizer = new TextVectorization(20);
        try (ComputePool pool = ComputePool.withThreads(2)) {
            Sequential model = TinyTextModel.build(vectorizer, List.of("a fine film", "a dull film", "fine fine acting"), pool);
            float[] logits = model.predict(Texts.of("A fine film!", "", "unknown words only")).data();
            assertEquals(3, logits.length);
            float[] again = model.predict(Texts.of("a fine film", "", "unknown words only")).data();
            assertEquals(logits[0], again[0], "punctuation and case do not change the prediction");
            assertTrue(Float.isFinite(logits[1]), "an empty review is a valid, fully masked input");
        }
    }

    /** adapt does not depend on the order of the texts or on the thread count. */
    @Test
    void adaptIsIndependentOfOrderAndThreads() {
        List<String> texts = new ArrayList<>();
        Rng rng = new Rng(5);
        for (int i = 0; i < 5000; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 20; w++) {
                text.append("w").append(rng.nextInt(300)).append(' ');
            }
            texts.add(text.toString());
        }
        List<String> reference = learn(texts, 100);
        List<String> shuffled = new ArrayList<>(texts);
        Collections.shuffle(shuffled, new java.util.Random(1));
        TextVectorization layer = new TextVectorization(100, Tokenizer.keras(), null, "tv");
        try (ComputePool pool = ComputePool.withThreads(3)) {
            layer.adapt(shuffled, pool);
        }
        assertEquals(reference, layer.getVocabulary());
    }
}
