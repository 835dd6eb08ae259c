package dev.kiln.nlp.demo;

import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.random.Rng;
import dev.kiln.nlp.Texts;
import dev.kiln.nlp.imdb.ImdbDataset;
import dev.kiln.nlp.imdb.ImdbDownload;
import dev.kiln.nlp.imdb.Review;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The IMDB train and test reviews as the seed workflow uses them. The reader returns each split
 * sorted (negatives, then positives, by id); TFDS stores its records shuffled once, and the
 * seed's shuffle(10000) and "first 30 test batches" rely on that, so both splits are put in a
 * fixed shuffled order first ({@link #STORED_ORDER_SEED}, independent of the run's seed). With a
 * limit, each split keeps the first {@code limit} reviews of that order (both labels, about
 * evenly).
 */
public final class ImdbData {
    static final long STORED_ORDER_SEED = 20110619L;

    private final List<Review> train;
    private final List<Review> test;

    private ImdbData(List<Review> train, List<Review> test) {
        this.train = train;
        this.test = test;
    }

    static ImdbData load(TrainSettings settings, PrintStream out) throws IOException {
        Path path = settings.data();
        if (settings.download()) {
            Path folder = path.toAbsolutePath().getParent();
            out.println("Downloading the IMDB archive into " + folder + " ...");
            path = ImdbDownload.official(folder, out);
        }
        return load(path, settings.limit(), out);
    }

    /** The train and test splits of the archive or folder at {@code path}, each cut to {@code limit} reviews (0 = all). */
    public static ImdbData load(Path path, int limit, PrintStream out) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no IMDB data here. Put aclImdb_v1.tar.gz (from "
                    + ImdbDownload.OFFICIAL_URI + ") at this path, pass --data PATH (an archive or an extracted aclImdb"
                    + " folder), or add --download to fetch it");
        }
        long start = System.nanoTime();
        ImdbDataset dataset = ImdbDataset.load(path);
        ImdbData data = new ImdbData(storedOrder(dataset.split(ImdbDataset.Split.TRAIN), limit, 1),
                storedOrder(dataset.split(ImdbDataset.Split.TEST), limit, 2));
        out.printf("Loaded %,d train and %,d test reviews from %s in %.1f s%n", data.train.size(), data.test.size(), path,
                (System.nanoTime() - start) / 1e9);
        return data;
    }

    public List<Review> train() {
        return train;
    }

    public List<Review> test() {
        return test;
    }

    public List<String> trainTexts() {
        return train.stream().map(Review::text).toList();
    }

    /** shuffle(buffer, seed) -> batch -> (texts, sentiment labels) -> prefetch: a new order every epoch. */
    public Dataset<LabeledBatch> training(int batchSize, int shuffleBuffer, long seed) {
        return training(batchSize, shuffleBuffer, seed, Target.SENTIMENT);
    }

    /** The same with {@code target}'s value of each review as its target. */
    Dataset<LabeledBatch> training(int batchSize, int shuffleBuffer, long seed, Target target) {
        return Dataset.fromList(train).shuffle(shuffleBuffer, seed).batch(batchSize).map(b -> toBatch(b, target)).prefetch(2);
    }

    /** The test split in its fixed order, batched, with sentiment labels. */
    public Dataset<LabeledBatch> testing(int batchSize) {
        return testing(batchSize, Target.SENTIMENT);
    }

    Dataset<LabeledBatch> testing(int batchSize, Target target) {
        return Dataset.fromList(test).batch(batchSize).map(b -> toBatch(b, target)).prefetch(2);
    }

    /** Reviews as a batch of texts with their sentiment labels. */
    public static LabeledBatch toBatch(List<Review> reviews) {
        return toBatch(reviews, Target.SENTIMENT);
    }

    static LabeledBatch toBatch(List<Review> reviews, Target target) {
        float[] targets = new float[reviews.size()];
        List<String> texts = new ArrayList<>(reviews.size());
        for (int i = 0; i < targets.length; i++) {
            texts.add(reviews.get(i).text());
            targets[i] = target.of(reviews.get(i));
        }
        return new LabeledBatch(new Texts(texts), targets);
    }

    private static List<Review> storedOrder(List<Review> sorted, int limit, long salt) {
        List<Review> order = new Rng(STORED_ORDER_SEED * 31 + salt).shuffle(new ArrayList<>(sorted));
        return limit > 0 && limit < order.size() ? List.copyOf(order.subList(0, limit)) : List.copyOf(order);
    }
}
