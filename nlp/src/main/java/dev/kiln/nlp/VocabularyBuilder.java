package dev.kiln.nlp;

import dev.kiln.engine.kernel.ComputePool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * adapt(): counts every token (n-grams included) of every text (term frequency) and in how many
 * texts it occurs (document frequency, for tf_idf), and orders the vocabulary as Keras does:
 * count descending, ties broken by the token's UTF-8 bytes descending (= code points descending,
 * not Java's UTF-16 order). Texts are counted in fixed chunks, in parallel on the pool; counts are
 * sums, so the result does not depend on the thread count or the text order.
 */
final class VocabularyBuilder {
    private static final int CHUNK = 2048;

    private VocabularyBuilder() {}

    /**
     * What adapt learned: the tokens, most frequent first, and for each the number of texts it
     * occurs in, out of {@code texts}.
     */
    record Learned(List<String> tokens, int[] documentCounts, int texts) {}

    /** The learned tokens, at most {@code limit} of them (limit < 0: all), with their document counts. */
    static Learned learn(List<String> texts, Tokenizer tokenizer, Ngrams ngrams, int limit, ComputePool pool) {
        int chunks = (texts.size() + CHUNK - 1) / CHUNK;
        TokenTable[] counts = new TokenTable[chunks];
        pool.parallelFor(chunks, chunk -> {
            TokenTable table = new TokenTable();
            for (int i = chunk * CHUNK; i < Math.min(texts.size(), (chunk + 1) * CHUNK); i++) {
                String text = texts.get(i);
                if (text == null) {
                    throw new IllegalArgumentException("adapt: text " + i + " is null");
                }
                int document = i;
                ngrams.tokenize(tokenizer, text, (chars, start, length) -> table.count(chars, start, length, document));
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
                entries.add(new Entry(token, total.value(e), total.documents(e), token.codePoints().toArray()));
            }
        }
        entries.sort((a, b) -> a.count != b.count ? Integer.compare(b.count, a.count)
                : Arrays.compare(b.codePoints, a.codePoints));
        int kept = limit < 0 ? entries.size() : Math.min(limit, entries.size());
        List<String> tokens = new ArrayList<>(kept);
        int[] documentCounts = new int[kept];
        for (int i = 0; i < kept; i++) {
            tokens.add(entries.get(i).token);
            documentCounts[i] = entries.get(i).documents;
        }
        return new Learned(tokens, documentCounts, texts.size());
    }

    private record Entry(String token, int count, int documents, int[] codePoints) {}
}
