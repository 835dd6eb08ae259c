package dev.kiln.nlp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
