package dev.kiln.engine.model;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.callback.FitProgress;
import dev.kiln.engine.callback.History;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.callback.TrainingContext;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.data.DatasetIterator;
import dev.kiln.engine.loss.Loss;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.metric.WeightedMean;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.part.PartState;
import dev.kiln.engine.tensor.Tensor;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerValue;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.random.Rng;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Layers applied in order, each layer's output the next one's input; and, once compiled with an
 * optimizer, a loss, metrics and an {@link Engine}, Keras' fit / evaluate / predict. The model
 * ends in one vector per example (a logit, class scores, regression values).
 * A compiled model runs one step at a time (it reuses its step buffers): fit, evaluate and
 * predict called from several threads wait for each other.
 */
public final class Sequential implements TrainingContext {
    private final List<Layer> layers;
    /** What build() was last given; null before. */
    private ValueSpec builtInput;
    private List<String> classNames = List.of();
    private Compiled compiled;
    private volatile boolean stopRequested;
    private volatile FitProgress fitProgress;

    private record Compiled(Optional<Optimizer> optimizer, Loss loss, List<Metric> metrics, ShardedStep step) {
        Optimizer requireOptimizer() {
            return optimizer.orElseThrow(() -> new IllegalStateException(
                    "the model was compiled without an optimizer (for evaluate and predict); compile it with one to train"));
        }
    }

    /** A model of these layers, in order; layer names must be unique. */
    public Sequential(List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a Sequential model needs at least one layer");
        }
        Set<String> names = new HashSet<>();
        for (Layer layer : layers) {
            if (!names.add(layer.name())) {
                throw new IllegalArgumentException("two layers are named '" + layer.name() + "'; names must be unique");
            }
        }
        this.layers = List.copyOf(layers);
    }

    /** The layers, in order. */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * Names the classes a classifier's outputs stand for (saved with the model, used to turn
     * predictions into answers): one per output, or two for a single sigmoid or logit output
     * (negative class, then positive). Empty for none.
     */
    public void setClassNames(List<String> names) {
        if (names.stream().anyMatch(name -> name.isEmpty()) || names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("class names must be distinct and non-empty, got " + names);
        }
        classNames = List.copyOf(names);
    }

    /** The class names set with {@link #setClassNames}, or an empty list. */
    public List<String> classNames() {
        return classNames;
    }

    /** Creates every layer's weights, in order, from one generator: the same seed gives the same model. */
    public void build(int inputFeatures, Rng rng) {
        build(ValueSpec.input(inputFeatures), ParameterSource.initial(rng));
    }

    /**
     * Builds every layer in order from {@code parameters} (fresh or saved weights), each checked
     * against what the layer before it outputs; returns what the model outputs.
     */
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        ValueSpec value = input;
        for (Layer layer : layers) {
            value = layer.build(value, parameters);
        }
        builtInput = input;
        return value;
    }

    /**
     * The input the model was last built for (its width and fixed length, when known), so a saved
     * model can be rebuilt for the same input; empty before it is built.
     */
    public Optional<ValueSpec> builtInput() {
        return Optional.ofNullable(builtInput);
    }

    /** Whether every layer has its weights. */
    public boolean isBuilt() {
        return layers.stream().allMatch(Layer::isBuilt);
    }

    /** Runs the layers in order on {@code input}, recording on {@code ops}' tape; the model must be built. */
    public LayerValue forward(LayerValue input, Ops ops) {
        if (!isBuilt()) {
            throw new IllegalStateException("build the model before running it");
        }
        LayerValue value = input;
        for (Layer layer : layers) {
            value = layer.forward(value, ops);
        }
        return value;
    }

    /** Every trainable parameter, layer by layer. */
    public List<Variable> parameters() {
        List<Variable> all = new ArrayList<>();
        for (Layer layer : layers) {
            all.addAll(layer.parameters());
        }
        return all;
    }

    /**
     * Keras' compile: the optimizer, the loss, the metrics (logged in this order after the loss) and
     * where to compute. Metric names must be distinct and not "loss".
     */
    public void compile(Optimizer optimizer, Loss loss, List<Metric> metrics, Engine engine) {
        compiled = compiled(Optional.of(optimizer), loss, metrics, engine);
    }

    /** Compiles for evaluate and predict only: fit and trainOnBatch then ask for an optimizer. */
    public void compile(Loss loss, List<Metric> metrics, Engine engine) {
        compiled = compiled(Optional.empty(), loss, metrics, engine);
    }

    private Compiled compiled(Optional<Optimizer> optimizer, Loss loss, List<Metric> metrics, Engine engine) {
        requireDistinctNames(metrics);
        return new Compiled(optimizer, loss, List.copyOf(metrics), new ShardedStep(this, loss, engine));
    }

    /** Metrics are logged by name, after "loss": two of the same name (or one named "loss") are refused. */
    public static void requireDistinctNames(List<Metric> metrics) {
        Set<String> names = new HashSet<>(Set.of(FitLoop.LOSS));
        for (Metric metric : metrics) {
            if (!names.add(metric.name())) {
                throw new IllegalArgumentException("two metrics (or a metric and the loss) are named '" + metric.name()
                        + "'; names must be distinct");
            }
        }
    }

    /** Whether {@code compile} was called. */
    public boolean isCompiled() {
        return compiled != null;
    }

    /** The optimizer the model was compiled with; empty when compiled for inference. */
    public Optional<Optimizer> optimizer() {
        return requireCompiled().optimizer();
    }

    /** The loss the model was compiled with. */
    public Loss loss() {
        return requireCompiled().loss();
    }

    /** The metrics the model was compiled with, in logging order. */
    public List<Metric> metrics() {
        return requireCompiled().metrics();
    }

    /** Trains on {@code train} as {@code options} say (epochs, validation, callbacks...); returns the History of epoch logs. */
    public History fit(Dataset<LabeledBatch> train, FitOptions options) {
        Compiled c = requireCompiled();
        return new FitLoop(this, c.step(), c.requireOptimizer(), c.metrics()).run(train, options);
    }

    /** One training step on one batch (Keras' train_on_batch); returns the batch's loss before the update. */
    public double trainOnBatch(LabeledBatch batch) {
        Compiled c = requireCompiled();
        return c.step().train(batch, c.requireOptimizer()).loss();
    }

    /** The loss and metrics over all batches of the data's next pass ({@link Dataset#iterator()}). */
    public Logs evaluate(Dataset<LabeledBatch> data) {
        return evaluate(data, -1);
    }

    /**
     * The loss and metrics over the first {@code steps} batches ({@code steps < 0}: all of them) of
     * the data's next pass ({@link Dataset#iterator()}), which is closed on return. The metrics
     * start from zero, as Keras' evaluate does, and are put back as they were afterwards, so an
     * evaluation inside fit (validation, or a callback's) leaves the epoch's running metrics alone.
     */
    public Logs evaluate(Dataset<LabeledBatch> data, int steps) {
        Compiled c = requireCompiled();
        List<PartState> training = c.metrics().stream().map(metric -> metric.saveState().detached()).toList();
        try {
            WeightedMean loss = new WeightedMean();
            c.metrics().forEach(Metric::reset);
            int done = 0;
            try (DatasetIterator<LabeledBatch> batches = data.iterator()) {
                while ((steps < 0 || done < steps) && batches.hasNext()) {
                    LabeledBatch batch = batches.next();
                    FitLoop.update(loss, c.metrics(), batch, c.step().run(batch, ShardedStep.Pass.EVALUATE));
                    done++;
                }
            }
            if (done == 0) {
                throw new IllegalStateException("evaluate: the data yielded no batches");
            }
            return FitLoop.logs(loss, c.metrics());
        } finally {
            for (int m = 0; m < training.size(); m++) {
                c.metrics().get(m).restoreState(training.get(m));
            }
        }
    }

    /** The model's outputs for {@code inputs}: [examples, width] (logits for a from_logits loss). */
    public Tensor predict(LayerValue inputs) {
        Compiled c = requireCompiled();
        int n = inputs.batchSize();
        ShardedStep.Result result = c.step().run(new LabeledBatch(inputs, new float[n]), ShardedStep.Pass.PREDICT);
        return Tensor.wrap(result.outputs(), n, result.width());
    }

    /**
     * Drops the working arrays that steps reuse (the LSTM's saved states: tens of megabytes for
     * the seed model). {@code fit} does this when it returns; after {@code trainOnBatch},
     * {@code evaluate} or {@code predict} the arrays stay for the next call until this is called.
     */
    public void releaseStepBuffers() {
        requireCompiled().step().releaseBuffers();
    }

    private Compiled requireCompiled() {
        if (compiled == null) {
            throw new IllegalStateException("compile the model (optimizer, loss, metrics, engine) before fit, evaluate or predict");
        }
        return compiled;
    }

    @Override
    public void requestStop() {
        stopRequested = true;
    }

    @Override
    public boolean stopRequested() {
        return stopRequested;
    }

    @Override
    public FitProgress fitProgress() {
        return fitProgress;
    }

    /** The fit loop attaches its progress while it runs (null afterwards). */
    void attach(FitProgress progress) {
        this.fitProgress = progress;
    }

    void clearStopRequest() {
        stopRequested = false;
    }

    @Override
    public double learningRate() {
        return requireCompiled().requireOptimizer().learningRate();
    }

    @Override
    public void setLearningRate(double rate) {
        requireCompiled().requireOptimizer().setLearningRate(rate);
    }

    @Override
    public List<Tensor> weightsSnapshot() {
        List<Tensor> copies = new ArrayList<>();
        for (Variable parameter : parameters()) {
            copies.add(parameter.value().copy());
        }
        return copies;
    }

    @Override
    public void restoreWeights(List<Tensor> snapshot) {
        List<Variable> parameters = parameters();
        if (snapshot.size() != parameters.size()) {
            throw new IllegalArgumentException("a snapshot of " + snapshot.size() + " tensors for " + parameters.size() + " parameters");
        }
        for (int p = 0; p < parameters.size(); p++) {
            Tensor source = snapshot.get(p);
            source.requireShape(parameters.get(p).shape(), "restoring " + parameters.get(p).name());
            System.arraycopy(source.data(), 0, parameters.get(p).data(), 0, source.size());
        }
    }

    /** The Keras 2 summary table (tf.keras 2.7-2.12 layout), for a model named "sequential". */
    public String summary() {
        if (!isBuilt()) {
            throw new IllegalStateException("build the model before asking for its summary (parameter counts need weights)");
        }
        return Summary.of("sequential", layers);
    }

    /** The number of weights (trainable parameters' elements), as the summary's Total params. */
    public long parameterCount() {
        long count = 0;
        for (Variable parameter : parameters()) {
            count += parameter.value().size();
        }
        return count;
    }
}
