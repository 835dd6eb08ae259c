package dev.kiln.nlp;

import dev.kiln.engine.kernel.ComputePool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * adapt(): counts every token of every text (term frequency) and orders the vocabulary as Keras
 * does: count descending, ties broken by the token's UTF-8 bytes descending (= code points
 * descending, not Java's UTF-16 order). Texts are counted in fixed chunks, in parallel on the
 * pool; counts are sums, so the result does not depend on the thread count or the text order.
 */
final class VocabularyBuilder {
    private static final int CHUNK = 2048;

    private VocabularyBuilder() {}

    /** The learned tokens, most frequent first, at most {@code limit} of them (limit < 0: all). */
    static List<String> learn(List<String> texts, Tokenizer tokenizer, int limit, ComputePool pool) {
        int chunks = (texts.size() + CHUNK - 1) / CHUNK;
        TokenTable[] counts = new TokenTable[chunks];
        pool.parallelFor(chunks, chunk -> {
            TokenTable table = new TokenTable();
            for (int i = chunk * CHUNK; i < Math.min(texts.size(), (chunk + 1) * CHUNK); i++) {
                String text = texts.get(i);
                if (text == null) {
                    throw new IllegalArgumentException("adapt: text " + i + " is null");
                }
                tokenizer.tokenize(text, (chars, start, length) -> table.add(chars, start, length, 1));
            }
            counts[chunk] = table;
        });
        TokenTable total = new TokenTable();
        for (TokenTable table : counts) {
            total.addAll(table);
        }
        List<Entry> entries = new ArrayList<>(total.size());
        for (int e = 0; e < total.size(); e++) {
            String token = total.key(e);
            if (!token.isEmpty() && !token.equals(TextVectorization.OOV_TOKEN)) { // reserved, as Keras drops them
                entries.add(new Entry(token, total.value(e), token.codePoints().toArray()));
            }
        }
        entries.sort((a, b) -> a.count != b.count ? Integer.compare(b.count, a.count)
                : Arrays.compare(b.codePoints, a.codePoints));
        int kept = limit < 0 ? entries.size() : Math.min(limit, entries.size());
        List<String> tokens = new ArrayList<>(kept);
        for (int i = 0; i < kept; i++) {
            tokens.add(entries.get(i).token);
        }
        return tokens;
    }

    private record Entry(String token, int count, int[] codePoints) {}
}
