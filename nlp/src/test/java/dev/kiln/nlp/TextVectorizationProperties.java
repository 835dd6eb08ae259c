package dev.kiln.nlp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.random.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextVectorizationProperties {

    /** Lowercase words of letters and digits, including non-ASCII letters: standardization leaves them alone. */
    @Provide
    Arbitrary<String> words() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789éßΣ").ofMinLength(1).ofMaxLength(8);
    }

    @Property(tries = 200)
    void encodingThenDecodingRoundTripsInVocabularyTokens(@ForAll @Size(min = 1, max = 30) List<@net.jqwik.api.From("words") String> vocabulary,
                                                          @ForAll @Size(max = 40) List<Integer> picks) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(vocabulary));
        TextVectorization layer = new TextVectorization(null, Tokenizer.keras(), null, "tv");
        layer.setVocabulary(distinct);
        List<String> text = new ArrayList<>();
        for (int pick : picks) {
            text.add(distinct.get(Math.floorMod(pick, distinct.size())));
        }
        int[] ids = layer.encode(String.join(" ", text));
        assertEquals(text, layer.decode(ids));
        for (int id : ids) {
            assertEquals(true, id >= 2, "in-vocabulary tokens never map to padding or [UNK]");
        }
    }

    @Property(tries = 200)
    void outputSequenceLengthTruncatesAndPads(@ForAll @IntRange(min = 0, max = 30) int words,
                                              @ForAll @IntRange(min = 1, max = 20) int length) {
        TextVectorization free = new TextVectorization(null, Tokenizer.keras(), null, "tv");
        TextVectorization fixed = new TextVectorization(null, Tokenizer.keras(), length, "tv");
        List<String> vocabulary = List.of("a", "b", "c");
        free.setVocabulary(vocabulary);
        fixed.setVocabulary(vocabulary);
        StringBuilder text = new StringBuilder();
        for (int w = 0; w < words; w++) {
            text.append("abcx".charAt(w % 4)).append(' ');
        }
        int[] all = free.encode(text.toString());
        int[] cut = fixed.encode(text.toString());
        assertEquals(words, all.length);
        assertEquals(length, cut.length);
        assertArrayEquals(Arrays.copyOf(all, length), cut, "the first tokens, then zeros");
    }

    @Provide
    Arbitrary<Ngrams> ngrams() {
        return Arbitraries.oneOf(Arbitraries.just(Ngrams.none()), Arbitraries.integers().between(1, 4).map(Ngrams::upTo),
                Arbitraries.integers().between(1, 4).array(int[].class).ofMinSize(1).ofMaxSize(3).map(Ngrams::of));
    }

    /** The n-grams of {@code words}, as Keras makes them: each width of {@code ngrams} in order, left to right. */
    private static List<String> ngramsOf(List<String> words, Ngrams ngrams) {
        List<String> out = new ArrayList<>();
        for (int width : ngrams.widths()) {
            for (int first = 0; first + width <= words.size(); first++) {
                out.add(String.join(" ", words.subList(first, first + width)));
            }
        }
        return out;
    }

    private static TextVectorization vectorizer(TextVectorization.OutputMode mode, Ngrams ngrams, Integer maxTokens, boolean pad) {
        return TextVectorization.builder().outputMode(mode).ngrams(ngrams).maxTokens(maxTokens).padToMaxTokens(pad).build();
    }

    /**
     * One text in the three vector modes: count's row sums to the number of tokens and n-grams
     * (every one lands in the vocabulary or in '[UNK]'), multi_hot is count clipped to 1, tf_idf
     * is count times idf, and a padded row is zero past the vocabulary.
     */
    @Property(tries = 300)
    void countSumsToTheNgramsAndMultiHotAndTfIdfFollowFromIt(
            @ForAll @Size(min = 1, max = 15) List<@net.jqwik.api.From("words") String> words,
            @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 19) Integer> picks,
            @ForAll("ngrams") Ngrams ngrams, @ForAll boolean pad, @ForAll long seed) {
        List<String> vocabulary = new ArrayList<>(new LinkedHashSet<>(words));
        Rng rng = new Rng(seed);
        List<String> textWords = new ArrayList<>();
        for (int pick : picks) {
            textWords.add(pick < vocabulary.size() ? vocabulary.get(pick) : "oov" + pick); // some outside the vocabulary
        }
        if (textWords.size() >= 2 && !vocabulary.contains(textWords.get(0) + " " + textWords.get(1))) {
            vocabulary.add(textWords.get(0) + " " + textWords.get(1)); // a bigram entry
        }
        StringBuilder text = new StringBuilder();
        for (String word : textWords) {
            text.append(List.of(" ", "\t", "  \n", " ").get(rng.nextInt(4))).append(word);
        }
        float[] idf = new float[vocabulary.size()];
        for (int i = 0; i < idf.length; i++) {
            idf[i] = rng.nextInt(1000) / 100f;
        }
        Integer maxTokens = pad ? vocabulary.size() + 1 + rng.nextInt(5) : null;
        TextVectorization count = vectorizer(TextVectorization.OutputMode.COUNT, ngrams, maxTokens, pad);
        TextVectorization multiHot = vectorizer(TextVectorization.OutputMode.MULTI_HOT, ngrams, maxTokens, pad);
        TextVectorization tfIdf = vectorizer(TextVectorization.OutputMode.TF_IDF, ngrams, maxTokens, pad);
        count.setVocabulary(vocabulary);
        multiHot.setVocabulary(vocabulary);
        tfIdf.setVocabulary(vocabulary, idf);
        float[] counts = count.vectorize(text.toString());
        float[] hot = multiHot.vectorize(text.toString());
        float[] weighted = tfIdf.vectorize(text.toString());
        float[] weights = tfIdf.getIdfWeights();
        int width = pad ? maxTokens : vocabulary.size() + 1;
        assertEquals(width, counts.length);
        double sum = 0;
        for (float c : counts) {
            sum += c;
        }
        assertEquals(ngramsOf(textWords, ngrams).size(), sum, "tokens and n-grams counted, '[UNK]' included");
        for (int i = 0; i < width; i++) {
            assertEquals(Math.min(counts[i], 1f), hot[i], "multi_hot at " + i);
            assertEquals(i <= vocabulary.size() ? counts[i] * weights[i] : 0f, weighted[i], "tf_idf at " + i);
            assertTrue(i <= vocabulary.size() || counts[i] == 0, "padding stays zero");
        }
    }

    /** adapt's idf weights are log(1 + texts / (1 + texts containing the token)), '[UNK]''s their mean, in Keras' order. */
    @Property(tries = 100)
    void adaptLearnsKerasIdfWeights(@ForAll @Size(min = 1, max = 12) List<@Size(max = 8) List<@IntRange(min = 0, max = 9) Integer>> texts,
                                    @ForAll("ngrams") Ngrams ngrams) {
        List<String> strings = new ArrayList<>();
        Map<String, Integer> documents = new HashMap<>();
        for (List<Integer> text : texts) {
            List<String> words = text.stream().map(w -> "w" + w).toList();
            strings.add(String.join(" ", words));
            Set<String> seen = new HashSet<>(ngramsOf(words, ngrams));
            seen.forEach(token -> documents.merge(token, 1, Integer::sum));
        }
        TextVectorization layer = vectorizer(TextVectorization.OutputMode.TF_IDF, ngrams, null, false);
        try (ComputePool pool = ComputePool.singleThreaded()) {
            if (documents.isEmpty()) {
                return; // nothing to learn: adapt refuses (tested on its own)
            }
            layer.adapt(strings, pool);
        }
        List<String> vocabulary = layer.getVocabulary();
        float[] idf = layer.getIdfWeights();
        assertEquals(documents.size() + 1, vocabulary.size());
        double sum = 0;
        for (int i = 1; i < vocabulary.size(); i++) {
            assertEquals((float) Math.log(1 + (double) texts.size() / (1 + documents.get(vocabulary.get(i)))), idf[i],
                    vocabulary.get(i));
            sum += idf[i];
        }
        assertEquals((float) (sum / documents.size()), idf[0], "'[UNK]': the mean");
    }

    /** Any layer's config rebuilds an equal layer that gives the same outputs. */
    @Property(tries = 100)
    void configRoundTripsEveryModeAndNgrams(@ForAll TextVectorization.OutputMode mode, @ForAll("ngrams") Ngrams ngrams,
                                            @ForAll @Size(min = 4, max = 12) List<@net.jqwik.api.From("words") String> words) {
        TextVectorization layer = vectorizer(mode, ngrams, 50, mode != TextVectorization.OutputMode.INT);
        List<String> texts = new ArrayList<>(words);
        texts.add(String.join(" ", words)); // at least one n-gram of every width
        try (ComputePool pool = ComputePool.singleThreaded()) {
            layer.adapt(texts, pool);
        }
        TextVectorization copy = TextVectorization.fromConfig(layer.config());
        assertEquals(layer.config(), copy.config());
        assertEquals(ngrams, copy.ngrams());
        String text = String.join(" ", words) + " unknown";
        if (mode == TextVectorization.OutputMode.INT) {
            assertArrayEquals(layer.encode(text), copy.encode(text));
        } else {
            assertArrayEquals(layer.vectorize(text), copy.vectorize(text));
        }
    }
}
