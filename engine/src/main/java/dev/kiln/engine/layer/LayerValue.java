package dev.kiln.engine.layer;

/**
 * What flows from one layer to the next: token ids ({@link TokenBatch}), masked sequences of
 * vectors ({@link SequenceBatch}) or one vector per example ({@link FeatureBatch}). Other modules
 * add their own (raw text, in nlp). A layer given a kind it cannot take says which it expected.
 */
public interface LayerValue {
    /** The number of examples in the batch. */
    int batchSize();

    /** Examples [from, to) of this batch, for splitting a batch into shards. */
    LayerValue slice(int from, int to);
}
