package dev.kiln.nlp.demo;

import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.loss.Loss;
import dev.kiln.engine.loss.MeanError;
import dev.kiln.engine.loss.SparseCategoricalCrossentropy;
import dev.kiln.engine.metric.MeanErrorMetric;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.metric.SparseCategoricalAccuracy;
import dev.kiln.engine.metric.TopKAccuracy;
import dev.kiln.nlp.imdb.Review;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run learns from a review: its sentiment (the seed task: binary, one logit), its star
 * rating as one of the 8 ratings IMDB's files carry (1-4 negative, 7-10 positive: softmax over 8
 * classes), or its stars as a number (regression). Each target chooses the model's head, its loss,
 * its metrics, the value it reads from a review, and the trivial baseline to beat.
 */
enum Target {
    SENTIMENT, RATING, STARS;

    /** The star ratings IMDB's labeled reviews have, in class order. */
    static final int[] RATINGS = {1, 2, 3, 4, 7, 8, 9, 10};

    static Target named(String name) throws CommandLine.UsageException {
        for (Target target : values()) {
            if (target.name().toLowerCase(Locale.ROOT).equals(name)) {
                return target;
            }
        }
        throw new CommandLine.UsageException("--target expects sentiment, rating or stars, got '" + name + "'");
    }

    /** The model's last layer. */
    Dense head() {
        return new Dense(this == RATING ? RATINGS.length : 1, Activation.LINEAR, "dense_1");
    }

    Loss loss() {
        return switch (this) {
            case SENTIMENT -> BinaryCrossentropy.fromLogits();
            case RATING -> new SparseCategoricalCrossentropy(true);
            case STARS -> MeanError.squared();
        };
    }

    List<Metric> metrics() {
        return switch (this) {
            case SENTIMENT -> List.of(BinaryAccuracy.onLogits());
            case RATING -> List.of(new SparseCategoricalAccuracy("accuracy"), new TopKAccuracy(true, 2, "top_2_accuracy"));
            case STARS -> List.of(MeanErrorMetric.absolute("mae"));
        };
    }

    /** The names of the classes, saved with the model (none for a regressor). */
    List<String> classNames() {
        return switch (this) {
            case SENTIMENT -> List.of("negative", "positive");
            case RATING -> Arrays.stream(RATINGS).mapToObj(r -> r + "/10").toList();
            case STARS -> List.of();
        };
    }

    /** The value the model learns for a review: its label, its rating's class index, or its stars. */
    float of(Review review) {
        return switch (this) {
            case SENTIMENT -> review.label();
            case RATING -> ratingClass(review.rating());
            case STARS -> review.rating();
        };
    }

    private static int ratingClass(int rating) {
        for (int c = 0; c < RATINGS.length; c++) {
            if (RATINGS[c] == rating) {
                return c;
            }
        }
        throw new IllegalArgumentException("a labeled IMDB review has a rating of 1-4 or 7-10, this one " + rating);
    }

    /**
     * The test split scored by a model that ignores the text: it predicts the training split's
     * class shares (or mean), so "loss" is that prediction's loss and the metrics are those of the
     * most frequent class(es) (or of the mean).
     */
    Map<String, Double> baseline(List<Review> train, List<Review> test) {
        Map<String, Double> logs = new LinkedHashMap<>();
        if (this == STARS) {
            double mean = train.stream().mapToDouble(this::of).average().orElseThrow();
            logs.put("loss", test.stream().mapToDouble(r -> (of(r) - mean) * (of(r) - mean)).average().orElseThrow());
            logs.put("mae", test.stream().mapToDouble(r -> Math.abs(of(r) - mean)).average().orElseThrow());
            return logs;
        }
        int classes = classNames().size();
        double[] share = new double[classes];
        train.forEach(r -> share[(int) of(r)] += 1.0 / train.size());
        Integer[] byShare = new Integer[classes];
        Arrays.setAll(byShare, c -> c);
        Arrays.sort(byShare, (a, b) -> Double.compare(share[b], share[a]));
        logs.put("loss", test.stream().mapToDouble(r -> -Math.log(share[(int) of(r)])).average().orElseThrow());
        logs.put("accuracy", test.stream().mapToDouble(r -> (int) of(r) == byShare[0] ? 1 : 0).average().orElseThrow());
        if (this == RATING) {
            logs.put("top_2_accuracy", test.stream().mapToDouble(r -> (int) of(r) == byShare[0] || (int) of(r) == byShare[1] ? 1 : 0)
                    .average().orElseThrow());
        }
        return logs;
    }
}
