package dev.kiln.nlp.imdb;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.testing.SharedFiles;
import dev.kiln.nlp.TextVectorization;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real archive in ../shared: counts, labels, order, and the vocabulary adapted on the train split. */
class ImdbArchiveIT {

    @Test
    void theSharedArchiveHas25000ReviewsPerSplitAndAdaptsTo1000Tokens() throws Exception {
        ImdbDataset data = ImdbDataset.load(SharedFiles.path("datasets/imdb/aclImdb_v1_labeled.tar.gz")).requireFullDataset();
        List<Review> train = data.split(ImdbDataset.Split.TRAIN);
        List<Review> test = data.split(ImdbDataset.Split.TEST);
        assertEquals(25_000, train.size());
        assertEquals(25_000, test.size());
        assertEquals(12_500, train.stream().filter(r -> r.label() == 1).count());
        assertEquals(0, train.get(0).label(), "negatives first");
        assertTrue(train.stream().filter(r -> r.label() == 1).allMatch(r -> r.rating() >= 7));
        assertTrue(train.stream().filter(r -> r.label() == 0).allMatch(r -> r.rating() <= 4));

        TextVectorization vectorizer = new TextVectorization(1000);
        try (ComputePool pool = ComputePool.withThreads(2)) {
            vectorizer.adapt(train.stream().map(Review::text).toList(), pool);
        }
        List<String> vocabulary = vectorizer.getVocabulary();
        assertEquals(1000, vocabulary.size());
        assertEquals(List.of("", "[UNK]", "the", "and", "a", "of", "to", "is", "in", "it"), vocabulary.subList(0, 10));
        assertTrue(vocabulary.contains("br"), "<br /> becomes the token br");
    }
}
