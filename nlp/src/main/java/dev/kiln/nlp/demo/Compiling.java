package dev.kiln.nlp.demo;

import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.loss.Loss;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.KerasNames;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.optim.Optimizer;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * train's compile settings (--loss, --optimizer, --learning-rate, --metrics), Keras' string names
 * read through {@link KerasNames}. Unset, the run compiles as before: Adam at the run's learning
 * rate, the target's loss and metrics. The loss takes logits (from_logits=True) when the model's
 * last layer is linear, probabilities when it ends in sigmoid or softmax.
 *
 * @param loss         a Keras loss name, or empty for the target's
 * @param optimizer    a Keras optimizer name, or empty for Adam
 * @param learningRate the --learning-rate given, or empty (Adam: the run's default; another optimizer: its Keras default)
 * @param metrics      Keras metric names, or empty for the target's
 */
record Compiling(Optional<String> loss, Optional<String> optimizer, OptionalDouble learningRate, List<String> metrics) {

    static final Set<String> OPTIONS = Set.of("loss", "optimizer", "metrics");

    static final String HELP = """
              --loss NAME          a Keras loss name (binary_crossentropy, sparse_categorical_crossentropy, mse, mae,
                                   huber, ...; default: the task's); from_logits follows the last layer: True when
                                   it is linear, False when it applies sigmoid or softmax
              --optimizer NAME     a Keras optimizer name: adam (default), adamw, rmsprop, sgd, adagrad; without
                                   --learning-rate another optimizer takes its Keras default rate
              --metrics A,B        Keras metric names (accuracy, auc, precision, recall, mae, ...; default: the task's)
            """;

    /** The choices on {@code line}; an unknown name is a usage error listing the names Kiln knows. */
    static Compiling from(CommandLine line) throws CommandLine.UsageException {
        Optional<String> loss = Optional.ofNullable(line.string("loss", null));
        Optional<String> optimizer = Optional.ofNullable(line.string("optimizer", null));
        List<String> metrics = line.has("metrics") ? Arrays.stream(line.string("metrics", "").split(","))
                .map(String::strip).filter(name -> !name.isEmpty()).toList() : List.of();
        OptionalDouble rate = line.has("learning-rate") ? OptionalDouble.of(line.positiveFloat("learning-rate", 1)) : OptionalDouble.empty();
        try {
            Loss checked = loss.isPresent() ? KerasNames.loss(loss.get(), true) : BinaryCrossentropy.fromLogits();
            if (optimizer.isPresent()) {
                KerasNames.optimizer(optimizer.get(), rate);
            }
            KerasNames.metrics(metrics, checked);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("train: " + e.getMessage());
        }
        return new Compiling(loss, optimizer, rate, metrics);
    }

    /** The choices of a run given none: Adam, the target's loss and metrics. */
    static Compiling defaults() {
        return new Compiling(Optional.empty(), Optional.empty(), OptionalDouble.empty(), List.of());
    }

    /**
     * Compiles {@code model} for {@code target} with these choices ({@code defaultRate}: Adam's rate
     * when none is given) and returns a line saying what it chose, from_logits and why.
     */
    String compile(Sequential model, double defaultRate, Engine engine, Target target) {
        Layer last = model.layers().getLast();
        Object activation = last.config().values().get("activation");
        boolean fromLogits = activation == null || activation.equals("linear");
        Loss chosenLoss = loss.isPresent() ? KerasNames.loss(loss.get(), fromLogits) : target.loss(fromLogits);
        List<Metric> chosenMetrics = metrics.isEmpty() ? target.metrics(fromLogits) : KerasNames.metrics(metrics, chosenLoss);
        Optimizer chosenOptimizer = optimizer.isPresent() ? KerasNames.optimizer(optimizer.get(), learningRate)
                : new Adam(learningRate.orElse(defaultRate));
        model.compile(chosenOptimizer, chosenLoss, chosenMetrics, engine);
        Object logits = chosenLoss.config().values().get("from_logits");
        return String.format(Locale.ROOT, "Compiled: %s(learning_rate=%s), loss %s%s, metrics %s", chosenOptimizer.config().type(),
                (float) chosenOptimizer.learningRate(), chosenLoss.config().type(), logits == null ? ""
                        : "(from_logits=" + (fromLogits ? "True" : "False") + ": the last layer '" + last.name() + "' "
                        + (fromLogits ? "is linear" : "applies " + activation) + ")",
                chosenMetrics.stream().map(Metric::name).collect(Collectors.joining(", ")));
    }
}
