package dev.kiln.nlp.demo;

import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.loss.Loss;
import dev.kiln.engine.loss.MeanError;
import dev.kiln.engine.loss.SparseCategoricalCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.metric.MeanErrorMetric;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.metric.SparseCategoricalAccuracy;
import dev.kiln.engine.metric.TopKAccuracy;
import dev.kiln.nlp.imdb.Review;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What a run learns, as one of three tasks: two classes (binary: one logit, binary
 * cross-entropy, accuracy), more classes (softmax over them: sparse categorical cross-entropy,
 * accuracy, and top-2 accuracy from 4 classes on, where it says more than accuracy), or a number
 * (regression: mean squared error, MAE). The task chooses the model's head, its loss and its
 * metrics; the class names are saved with the model. IMDB's three targets are instances: a
 * review's sentiment (the seed task), its star rating as one of the 8 ratings IMDB's files carry
 * (1-4 negative, 7-10 positive), or its stars as a number; each reads its value from a review and
 * knows the trivial baseline to beat. A user's data gives its target from its labels
 * ({@link #classes}, {@link #regression}).
 */
final class Target {
    /** The three tasks. */
    enum Task {
        BINARY, CLASSES, REGRESSION
    }

    /** The star ratings IMDB's labeled reviews have, in class order. */
    static final int[] RATINGS = {1, 2, 3, 4, 7, 8, 9, 10};
    /** From this many classes on, a classifier also reports top-2 accuracy. */
    static final int TOP_2_FROM = 4;

    static final Target SENTIMENT = new Target("sentiment", Task.BINARY, List.of("negative", "positive"), Review::label);
    static final Target RATING = new Target("rating", Task.CLASSES, Arrays.stream(RATINGS).mapToObj(r -> r + "/10").toList(),
            review -> ratingClass(review.rating()));
    static final Target STARS = new Target("stars", Task.REGRESSION, List.of(), Review::rating);

    private final String name;
    private final Task task;
    private final List<String> classNames;
    private final ToDoubleFunction<Review> fromReview; // null for a user's data

    private Target(String name, Task task, List<String> classNames, ToDoubleFunction<Review> fromReview) {
        this.name = name;
        this.task = task;
        this.classNames = List.copyOf(classNames);
        this.fromReview = fromReview;
    }

    /** IMDB's target {@code name}: sentiment, rating or stars. */
    static Target named(String name) throws CommandLine.UsageException {
        for (Target target : List.of(SENTIMENT, RATING, STARS)) {
            if (target.name.equals(name)) {
                return target;
            }
        }
        throw new CommandLine.UsageException("--target expects sentiment, rating or stars, got '" + name + "'");
    }

    /** Classes with these names (at least 2), in class-index order: binary for 2, softmax for more. */
    static Target classes(List<String> names) {
        if (names.size() < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + names.size());
        }
        return new Target(names.size() + " classes", names.size() == 2 ? Task.BINARY : Task.CLASSES, names, null);
    }

    /** Numeric labels learned as values. */
    static Target regression() {
        return new Target("regression", Task.REGRESSION, List.of(), null);
    }

    /** The task. */
    Task task() {
        return task;
    }

    /** How the target is named: sentiment, rating, stars, "3 classes" or regression. */
    @Override
    public String toString() {
        return name;
    }

    /** Where the target comes from, for messages: "--target rating" for IMDB's, "the data's 3 classes" for a user's. */
    String describe() {
        return fromReview != null || task == Task.REGRESSION ? "--target " + name : "the data's " + name;
    }

    /** What one example is called in messages: a review (IMDB's targets) or a text. */
    String example() {
        return fromReview != null ? "review" : "text";
    }

    /** The activation a model's last layer may have besides linear: sigmoid for 2 classes, softmax for more, none for values. */
    String probabilityActivation() {
        return switch (task) {
            case BINARY -> "sigmoid";
            case CLASSES -> "softmax";
            case REGRESSION -> "linear";
        };
    }

    /** The model's last layer: one logit or value, or one logit per class. */
    Dense head() {
        return new Dense(outputs(), Activation.LINEAR, "dense_1");
    }

    /** How many outputs the model gives per example. */
    int outputs() {
        return task == Task.CLASSES ? classNames.size() : 1;
    }

    /** The task's loss; {@code fromLogits}: the model's last layer is linear. */
    Loss loss(boolean fromLogits) {
        return switch (task) {
            case BINARY -> fromLogits ? BinaryCrossentropy.fromLogits() : new BinaryCrossentropy(false, 0);
            case CLASSES -> new SparseCategoricalCrossentropy(fromLogits);
            case REGRESSION -> MeanError.squared();
        };
    }

    /** The task's metrics (top-2 accuracy only with at least {@value #TOP_2_FROM} classes). */
    List<Metric> metrics(boolean fromLogits) {
        List<Metric> metrics = new ArrayList<>();
        switch (task) {
            case BINARY -> metrics.add(fromLogits ? BinaryAccuracy.onLogits() : new BinaryAccuracy("accuracy", 0.5, false));
            case CLASSES -> {
                metrics.add(new SparseCategoricalAccuracy("accuracy"));
                if (classNames.size() >= TOP_2_FROM) {
                    metrics.add(new TopKAccuracy(true, 2, "top_2_accuracy"));
                }
            }
            case REGRESSION -> metrics.add(MeanErrorMetric.absolute("mae"));
        }
        return metrics;
    }

    /** The names of the classes, saved with the model (none for a regressor). */
    List<String> classNames() {
        return classNames;
    }

    /** The value the model learns for a review: its label, its rating's class index, or its stars (IMDB's targets only). */
    float of(Review review) {
        if (fromReview == null) {
            throw new IllegalStateException("the target " + name + " is not one of IMDB's");
        }
        return (float) fromReview.applyAsDouble(review);
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
        if (task == Task.REGRESSION) {
            double mean = train.stream().mapToDouble(this::of).average().orElseThrow();
            logs.put("loss", test.stream().mapToDouble(r -> (of(r) - mean) * (of(r) - mean)).average().orElseThrow());
            logs.put("mae", test.stream().mapToDouble(r -> Math.abs(of(r) - mean)).average().orElseThrow());
            return logs;
        }
        int classes = classNames.size();
        double[] share = new double[classes];
        train.forEach(r -> share[(int) of(r)] += 1.0 / train.size());
        Integer[] byShare = new Integer[classes];
        Arrays.setAll(byShare, c -> c);
        Arrays.sort(byShare, (a, b) -> Double.compare(share[b], share[a]));
        logs.put("loss", test.stream().mapToDouble(r -> -Math.log(share[(int) of(r)])).average().orElseThrow());
        logs.put("accuracy", test.stream().mapToDouble(r -> (int) of(r) == byShare[0] ? 1 : 0).average().orElseThrow());
        if (classes >= TOP_2_FROM) {
            logs.put("top_2_accuracy", test.stream().mapToDouble(r -> (int) of(r) == byShare[0] || (int) of(r) == byShare[1] ? 1 : 0)
                    .average().orElseThrow());
        }
        return logs;
    }
}
