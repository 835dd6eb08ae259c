package dev.kiln.engine.model;

import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.loss.CategoricalCrossentropy;
import dev.kiln.engine.loss.Huber;
import dev.kiln.engine.loss.Loss;
import dev.kiln.engine.loss.Losses;
import dev.kiln.engine.loss.MeanError;
import dev.kiln.engine.loss.OutputMeaning;
import dev.kiln.engine.loss.SparseCategoricalCrossentropy;
import dev.kiln.engine.metric.Auc;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.metric.CategoricalAccuracy;
import dev.kiln.engine.metric.F1Score;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.metric.Metrics;
import dev.kiln.engine.metric.Precision;
import dev.kiln.engine.metric.Recall;
import dev.kiln.engine.metric.SparseCategoricalAccuracy;
import dev.kiln.engine.metric.TopKAccuracy;
import dev.kiln.engine.optim.Adagrad;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.optim.AdamW;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.optim.Optimizers;
import dev.kiln.engine.optim.RmsProp;
import dev.kiln.engine.optim.Sgd;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * Keras' string identifiers for {@code compile}: {@code loss="sparse_categorical_crossentropy"},
 * {@code optimizer="adam"}, {@code metrics=["accuracy"]}. A name is Keras' function name, one of
 * its aliases (mse, mae, bce...) or the class name, and builds the part with Keras' defaults
 * through the registries. Two rules are Keras': a metric is named by the identifier it was given,
 * and "accuracy" (or "acc") becomes binary, sparse categorical or categorical accuracy from the
 * loss. One is Kiln's: binary accuracy on a loss that takes logits compares probabilities, not
 * raw logits, with 0.5 (see {@link BinaryAccuracy}).
 */
public final class KerasNames {
    /** The mean errors, a loss and a metric under the same names. */
    private static final Map<String, String> MEAN_ERRORS = Map.of(
            "mean_squared_error", MeanError.Kind.SQUARED.type(), "mse", MeanError.Kind.SQUARED.type(),
            "mean_absolute_error", MeanError.Kind.ABSOLUTE.type(), "mae", MeanError.Kind.ABSOLUTE.type());
    private static final Map<String, String> LOSSES = with(MEAN_ERRORS, Map.of(
            "binary_crossentropy", BinaryCrossentropy.TYPE, "bce", BinaryCrossentropy.TYPE,
            "categorical_crossentropy", CategoricalCrossentropy.TYPE, "cce", CategoricalCrossentropy.TYPE,
            "sparse_categorical_crossentropy", SparseCategoricalCrossentropy.TYPE,
            "huber", Huber.TYPE, "huber_loss", Huber.TYPE));
    /** Losses whose Keras constructor takes from_logits. */
    private static final List<String> WITH_LOGITS = List.of(BinaryCrossentropy.TYPE, CategoricalCrossentropy.TYPE,
            SparseCategoricalCrossentropy.TYPE);
    private static final Map<String, String> OPTIMIZERS = Map.of("adam", Adam.TYPE, "adamw", AdamW.TYPE,
            "adagrad", Adagrad.TYPE, "rmsprop", RmsProp.TYPE, "sgd", Sgd.TYPE);
    private static final Map<String, String> METRICS = with(MEAN_ERRORS, Map.of(
            "binary_accuracy", BinaryAccuracy.TYPE, "categorical_accuracy", CategoricalAccuracy.TYPE,
            "sparse_categorical_accuracy", SparseCategoricalAccuracy.TYPE,
            "top_k_categorical_accuracy", TopKAccuracy.TYPE, "sparse_top_k_categorical_accuracy", TopKAccuracy.SPARSE_TYPE,
            "precision", Precision.TYPE, "recall", Recall.TYPE, "auc", Auc.TYPE, "f1_score", F1Score.TYPE));
    private static final List<String> ACCURACY = List.of("accuracy", "acc");

    private KerasNames() {}

    private static Map<String, String> with(Map<String, String> shared, Map<String, String> own) {
        Map<String, String> all = new HashMap<>(shared);
        all.putAll(own);
        return Map.copyOf(all);
    }

    /**
     * The loss Keras names {@code name}, with Keras' defaults except {@code fromLogits} where the loss
     * has that option (Keras' string names mean from_logits=False; a model whose last layer has no
     * activation needs true).
     */
    public static Loss loss(String name, boolean fromLogits) {
        String type = resolve("loss", name, LOSSES, Losses.registry());
        PartConfig.Builder config = PartConfig.builder("loss", type);
        if (WITH_LOGITS.contains(type)) {
            config.put("from_logits", fromLogits);
        }
        return Losses.registry().create(config.build());
    }

    /** The optimizer Keras names {@code name}, with Keras' defaults, or the given learning rate. */
    public static Optimizer optimizer(String name, OptionalDouble learningRate) {
        PartRegistry<Optimizer> registry = Optimizers.registry();
        PartConfig.Builder config = PartConfig.builder("optimizer", resolve("optimizer", name, OPTIMIZERS, registry));
        learningRate.ifPresent(rate -> config.put("learning_rate", rate));
        return registry.create(config.build());
    }

    /**
     * The metric Keras names {@code name}, named {@code name} as Keras does; "accuracy" and "acc"
     * follow {@code loss}: binary for a loss over independent outputs, sparse categorical for
     * class indices, categorical for one-hot targets.
     */
    public static Metric metric(String name, Loss loss) {
        PartRegistry<Metric> registry = Metrics.registry();
        OutputMeaning meaning = loss.outputMeaning();
        String type = ACCURACY.contains(name) ? accuracyFor(loss) : resolve("metric", name, METRICS, registry);
        PartConfig.Builder config = PartConfig.builder("metric", type).put("name", name);
        if (type.equals(BinaryAccuracy.TYPE)) {
            config.put("from_logits", meaning == OutputMeaning.LOGITS);
        }
        return registry.create(config.build());
    }

    /** Each of {@code names} as {@link #metric}. */
    public static List<Metric> metrics(List<String> names, Loss loss) {
        List<Metric> metrics = new ArrayList<>();
        for (String name : names) {
            metrics.add(metric(name, loss));
        }
        return metrics;
    }

    /** Keras' rule: class scores with one target per example (a class index) are sparse. */
    private static String accuracyFor(Loss loss) {
        return switch (loss.outputMeaning()) {
            case CLASS_LOGITS, CLASS_PROBABILITIES ->
                    loss.targetWidth(2) == 1 ? SparseCategoricalAccuracy.TYPE : CategoricalAccuracy.TYPE;
            default -> BinaryAccuracy.TYPE;
        };
    }

    /** The registry type of a Keras name: an alias, or a class name the registry knows. */
    private static String resolve(String kind, String name, Map<String, String> aliases, PartRegistry<?> registry) {
        String type = aliases.get(name);
        if (type != null) {
            return type;
        }
        if (registry.types().contains(name)) {
            return name;
        }
        TreeSet<String> known = new TreeSet<>(aliases.keySet());
        known.addAll(registry.types());
        if (kind.equals("metric")) {
            known.addAll(ACCURACY);
        }
        throw new IllegalArgumentException("unknown " + kind + " '" + name + "': Kiln knows " + String.join(", ", known));
    }
}
