package dev.kiln.benchmarks;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.Tokenizer;
import dev.kiln.nlp.imdb.ImdbDataset;
import dev.kiln.nlp.imdb.Review;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tokenizer and TextVectorization throughput on 2,000 real IMDB train reviews (about 2.6 MB of
 * UTF-8), one thread. Score = passes per second; MB/s = score x the sample's UTF-8 size (printed
 * at setup). {@code dataPath} defaults to the shared archive beside the repository.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
public class TokenizerBenchmark {
    @Param({"../shared/datasets/imdb/aclImdb_v1_labeled.tar.gz"})
    public String dataPath;

    List<String> texts;
    Tokenizer tokenizer;
    TextVectorization vectorizer;
    long bytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        List<Review> train = ImdbDataset.load(Path.of(dataPath)).split(ImdbDataset.Split.TRAIN);
        texts = train.subList(0, 2000).stream().map(Review::text).toList();
        bytes = texts.stream().mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length).sum();
        tokenizer = Tokenizer.keras();
        vectorizer = new TextVectorization(1000);
        try (ComputePool pool = ComputePool.singleThreaded()) {
            vectorizer.adapt(train.stream().map(Review::text).toList(), pool);
        }
        System.out.printf("%n# sample: %d reviews, %d UTF-8 bytes (MB/s = score x %.3f)%n", texts.size(), bytes, bytes / 1e6);
    }

    /** Standardize and split every review, counting tokens (what adapt does per text). */
    @Benchmark
    public long tokenize() {
        long[] count = {0};
        for (String text : texts) {
            tokenizer.tokenize(text, (chars, start, length) -> count[0] += length);
        }
        return count[0];
    }

    /** Tokens to ids through the vocabulary (what the model's first layer does). */
    @Benchmark
    public long encode() {
        long sum = 0;
        for (String text : texts) {
            sum += vectorizer.encode(text).length;
        }
        return sum;
    }
}
