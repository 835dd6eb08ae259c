package dev.kiln.nlp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenizerProperties {

    /**
     * The one-pass tokenizer (standardize and whitespace split fused) gives the tokens of
     * standardizing the whole text first and splitting it after, for every built-in standardize
     * rule, on texts mixing letters of both cases, digits, all 32 punctuation characters, the six
     * whitespace characters in runs, other control characters, non-ASCII letters and punctuation,
     * and surrogate pairs.
     */
    @Property(tries = 500)
    void onePassEqualsStandardizeThenSplit(@ForAll("texts") String text, @ForAll("builtIn") Tokenizer.Standardize rule) {
        Tokenizer tokenizer = Tokenizer.of(rule, Tokenizer.Split.WHITESPACE);
        List<String> onePass = new ArrayList<>();
        tokenizer.tokenize(text, (chars, start, length) -> onePass.add(new String(chars, start, length)));
        List<String> inPasses = new ArrayList<>();
        tokenizer.tokenizeInPasses(text, (chars, start, length) -> inPasses.add(new String(chars, start, length)));
        assertEquals(inPasses, onePass, () -> rule + " on \"" + text.replace("\n", "\\n") + "\"");
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.strings().withChars("aZbYq09").ofMinLength(1).ofMaxLength(6),
                Arbitraries.strings().withChars(Tokenizer.PUNCTUATION).ofMinLength(1).ofMaxLength(3),
                Arbitraries.strings().withChars(" \t\n\u000B\f\r").ofMinLength(1).ofMaxLength(3),
                Arbitraries.of("\u0000", "\u001F", "\u007F", "é", "É", "—", "日本", "\uD83D\uDE00", "\u00A0", "\u2003"));
        return pieces.list().ofMaxSize(12).map(list -> String.join("", list));
    }

    @Provide
    Arbitrary<Tokenizer.Standardize> builtIn() {
        return Arbitraries.of(Tokenizer.Standardize.LOWER_AND_STRIP_PUNCTUATION, Tokenizer.Standardize.LOWER,
                Tokenizer.Standardize.STRIP_PUNCTUATION, Tokenizer.Standardize.NONE);
    }
}
