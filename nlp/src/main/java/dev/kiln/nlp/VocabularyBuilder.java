package dev.kiln.nlp;

import dev.kiln.engine.kernel.ComputePool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * adapt(): counts every token (n-grams included) of every text (term frequency) and in how many
 * texts it occurs (document frequency, for tf_idf), and orders the vocabulary as Keras does:
 * count descending, ties broken by the token's UTF-8 bytes descending (= code points descending,
 * not Java's UTF-16 order). Texts are counted as they come ({@link Counter}): a group of fixed
 * chunks at a time, in parallel on the pool, each group added into one running table of long
 * counts; counts are sums, so the result does not depend on the thread count, the grouping or
 * the text order, and only one group of texts is held at a time.
 */
final class VocabularyBuilder {
    private static final int CHUNK = 2048;

    private VocabularyBuilder() {}

    /**
     * What adapt learned: the tokens, most frequent first, and for each the number of texts it
     * occurs in, out of {@code texts}.
     */
    record Learned(List<String> tokens, long[] documentCounts, long texts) {}

    /** The learned tokens of {@code texts}, at most {@code limit} of them (limit < 0: all), with their document counts. */
    static Learned learn(Iterable<String> texts, Tokenizer tokenizer, Ngrams ngrams, int limit, ComputePool pool) {
        Counter counter = new Counter(tokenizer, ngrams, pool);
        texts.forEach(counter);
        return counter.finish(limit);
    }

    /**
     * Counts texts handed to it one at a time; it holds at most one group of {@code 2 x threads}
     * chunks of {@value #CHUNK} texts before counting them, plus the table of distinct tokens.
     */
    static final class Counter implements Consumer<String> {
        private final Tokenizer tokenizer;
        private final Ngrams ngrams;
        private final ComputePool pool;
        private final int groupSize;
        private final TokenTable total = new TokenTable();
        private List<String> pending = new ArrayList<>();
        private long texts;

        Counter(Tokenizer tokenizer, Ngrams ngrams, ComputePool pool) {
            this.tokenizer = tokenizer;
            this.ngrams = ngrams;
            this.pool = pool;
            this.groupSize = CHUNK * 2 * pool.threads();
        }

        @Override
        public void accept(String text) {
            if (text == null) {
                throw new IllegalArgumentException("adapt: text " + texts + " is null");
            }
            pending.add(text);
            texts++;
            if (pending.size() == groupSize) {
                countPending();
            }
        }

        /** How many texts were handed in so far. */
        long texts() {
            return texts;
        }

        private void countPending() {
            List<String> group = pending;
            int chunks = (group.size() + CHUNK - 1) / CHUNK;
            TokenTable[] counts = new TokenTable[chunks];
            pool.parallelFor(chunks, chunk -> {
                TokenTable table = new TokenTable();
                for (int i = chunk * CHUNK; i < Math.min(group.size(), (chunk + 1) * CHUNK); i++) {
                    int document = i;
                    ngrams.tokenize(tokenizer, group.get(i), (chars, start, length) -> table.count(chars, start, length, document));
                }
                counts[chunk] = table;
            });
            for (TokenTable table : counts) {
                total.addAll(table);
            }
            pending = new ArrayList<>();
        }

        /** Counts what is pending and returns the tokens, at most {@code limit} of them (limit < 0: all). */
        Learned finish(int limit) {
            countPending();
            List<Entry> entries = new ArrayList<>(total.size());
            for (int e = 0; e < total.size(); e++) {
                String token = total.key(e);
                if (!token.isEmpty() && !token.equals(TextVectorization.OOV_TOKEN)) { // reserved, as Keras drops them
                    entries.add(new Entry(token, total.value(e), total.documents(e), token.codePoints().toArray()));
                }
            }
            entries.sort((a, b) -> a.count != b.count ? Long.compare(b.count, a.count)
                    : Arrays.compare(b.codePoints, a.codePoints));
            int kept = limit < 0 ? entries.size() : Math.min(limit, entries.size());
            List<String> tokens = new ArrayList<>(kept);
            long[] documentCounts = new long[kept];
            for (int i = 0; i < kept; i++) {
                tokens.add(entries.get(i).token);
                documentCounts[i] = entries.get(i).documents;
            }
            return new Learned(tokens, documentCounts, texts);
        }
    }

    private record Entry(String token, long count, long documents, int[] codePoints) {}
}
