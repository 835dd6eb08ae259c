package dev.kiln.benchmarks;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.imdb.ImdbDataset;
import dev.kiln.nlp.imdb.Review;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Times what the demo does first: load the IMDB archive (train and test) and adapt
 * TextVectorization(max_tokens=1000) on the train texts, five times in one JVM (the first run
 * includes JIT warm-up). Usage: {@code java --add-modules jdk.incubator.vector -cp
 * benchmarks/target/benchmarks.jar dev.kiln.benchmarks.ImdbLoadHarness [archive] [threads]}.
 */
public final class ImdbLoadHarness {
    private ImdbLoadHarness() {}

    public static void main(String[] args) throws Exception {
        Path archive = Path.of(args.length > 0 ? args[0] : "../shared/datasets/imdb/aclImdb_v1_labeled.tar.gz");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        try (ComputePool pool = ComputePool.withThreads(threads)) {
            for (int run = 1; run <= 5; run++) {
                long start = System.nanoTime();
                ImdbDataset data = ImdbDataset.load(archive);
                long loaded = System.nanoTime();
                List<String> train = data.split(ImdbDataset.Split.TRAIN).stream().map(Review::text).toList();
                TextVectorization vectorizer = new TextVectorization(1000);
                vectorizer.adapt(train, pool);
                long adapted = System.nanoTime();
                System.out.printf(Locale.ROOT, "run %d: load %.2f s + adapt %.2f s = %.2f s (%d threads, vocabulary %d)%n", run,
                        (loaded - start) / 1e9, (adapted - loaded) / 1e9, (adapted - start) / 1e9, threads,
                        vectorizer.vocabularySize());
            }
        }
    }
}
