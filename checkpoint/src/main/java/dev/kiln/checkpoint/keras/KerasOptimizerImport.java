package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.hdf5.Hdf5Attribute;
import dev.kiln.checkpoint.hdf5.Hdf5Dataset;
import dev.kiln.checkpoint.hdf5.Hdf5Dtype;
import dev.kiln.checkpoint.hdf5.Hdf5Group;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.optim.LearningRateSchedule;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.optim.OptimizerOptions;
import dev.kiln.engine.part.PartState;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Keras file's optimizer state made into Kiln's, so that training continues as it would in
 * Keras: Adam's step count, learning rate and first and second moments (m, v) of every weight.
 * Keras 3 keeps them under {@code optimizer/vars/0..n}: the iteration counter, the learning rate,
 * then one variable per slot and weight (Keras up to 3.10 writes each weight's m then v; later
 * versions all m then all v: told apart by the shapes, and refused when the shapes cannot tell).
 * Keras 2 keeps them under {@code /optimizer_weights} named after the weights
 * ({@code Adam/m/dense/kernel:0}, tf.keras 2.11+; {@code Adam/dense/kernel/m:0} before). The
 * optimizer's class and options come from the file's compile config (Keras 3) or training config
 * (Keras 2); an optimizer Kiln would not step as Keras does (another class, clipping, EMA, a
 * schedule, amsgrad...), or a state that does not fit the weights, is left out: the import then
 * has no optimizer (training starts a fresh one) and its note says why.
 */
final class KerasOptimizerImport {
    /** Keras optimizer options that do not change Adam's step (names, compilation switches). */
    private static final Set<String> NEUTRAL = Set.of("name", "ema_momentum", "ema_overwrite_frequency", "jit_compile",
            "is_legacy_optimizer", "learning_rate", "lr", "beta_1", "beta_2", "epsilon");
    /** Options accepted only at the value that leaves Adam's step as Kiln computes it. */
    private static final Map<String, Object> ONLY = Map.of("amsgrad", false, "use_ema", false, "decay", 0.0);
    private static final Set<String> NULL_ONLY = Set.of("weight_decay", "clipnorm", "clipvalue", "global_clipnorm",
            "loss_scale_factor", "gradient_accumulation_steps");

    /** The optimizer, when the state was imported, and the note saying what was done. */
    record Result(Optional<Optimizer> optimizer, String note) {}

    private KerasOptimizerImport() {}

    /** Keras 3's {@code optimizer/vars} of {@code root}, for {@code parameters} in Keras' order. */
    static Result keras3(Hdf5Group root, Optional<Map<?, ?>> compiled, List<Variable> parameters, String source)
            throws IOException {
        Optional<Hdf5Group> vars = root.findGroup("optimizer").flatMap(group -> group.findGroup("vars"));
        if (vars.isEmpty() || vars.get().datasets().isEmpty()) {
            return fresh("the file holds no optimizer state");
        }
        List<Hdf5Dataset> datasets = Keras3Weights.numbered(vars.get());
        String what = "the file's optimizer state (" + datasets.size() + " variables under optimizer/vars)";
        Optional<String> refused = refusedConfig(compiled);
        if (refused.isPresent()) {
            return fresh(what + " is not imported: " + refused.get());
        }
        int slots = datasets.size() - 2;
        if (slots != 2 * parameters.size()) {
            return fresh(what + " is not imported: Adam keeps the iteration count, the learning rate and m and v for each of"
                    + " the model's " + parameters.size() + " weights, " + (2 + 2 * parameters.size()) + " variables");
        }
        List<Shape> interleaved = new ArrayList<>();
        List<Shape> grouped = new ArrayList<>();
        for (Variable parameter : parameters) {
            interleaved.add(parameter.shape());
            interleaved.add(parameter.shape());
            grouped.add(parameter.shape());
        }
        grouped.addAll(List.copyOf(grouped));
        List<Shape> found = datasets.subList(2, datasets.size()).stream().map(Hdf5Dataset::shape).toList();
        boolean pairs = found.equals(interleaved);
        if (pairs == found.equals(grouped)) {
            return fresh(what + " is not imported: " + (pairs ? "its m and v could be in either of Keras' two orders (each"
                    + " weight's m then v, or all m then all v) and the shapes cannot tell which" : "its shapes are not m and v"
                    + " of the model's weights " + parameters.stream().map(Variable::shape).toList()));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int p = 0; p < parameters.size(); p++) {
            int m = pairs ? 2 + 2 * p : 2 + p;
            int v = pairs ? m + 1 : 2 + parameters.size() + p;
            tensors.put("m/" + parameters.get(p).name(), floats(datasets.get(m), parameters.get(p).shape()));
            tensors.put("v/" + parameters.get(p).name(), floats(datasets.get(v), parameters.get(p).shape()));
        }
        long iterations = scalarLong(datasets.get(0));
        double learningRate = scalarFloat(datasets.get(1));
        return adam(compiled.get(), iterations, learningRate, tensors, parameters, what);
    }

    /**
     * Keras 2's {@code /optimizer_weights} of {@code root}; {@code weightNames} are the Keras names of
     * {@code parameters} ({@code dense/kernel:0}), in the same order.
     */
    static Result keras2(Hdf5Group root, Optional<Map<?, ?>> optimizerConfig, List<Variable> parameters, List<String> weightNames)
            throws IOException {
        Optional<Hdf5Group> group = root.findGroup("optimizer_weights");
        if (group.isEmpty()) {
            return fresh("the file holds no optimizer state");
        }
        Optional<Hdf5Attribute> namesAttribute = group.get().findAttribute("weight_names");
        List<String> names = namesAttribute.isPresent() ? namesAttribute.get().strings() : List.of();
        String what = "the file's optimizer state (" + names.size() + " variables under /optimizer_weights)";
        Optional<String> refused = refusedConfig(optimizerConfig);
        if (refused.isPresent()) {
            return fresh(what + " is not imported: " + refused.get());
        }
        Optional<String> iteration = names.stream().filter(name -> name.equals("iteration:0") || name.endsWith("/iter:0")
                || name.equals("iter:0")).findFirst();
        if (iteration.isEmpty() || names.size() != 1 + 2 * parameters.size()) {
            return fresh(what + " is not imported: Adam keeps an iteration count and m and v for each of the model's "
                    + parameters.size() + " weights");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int p = 0; p < parameters.size(); p++) {
            String weight = weightNames.get(p);
            String base = weight.endsWith(":0") ? weight.substring(0, weight.length() - 2) : weight;
            for (String slot : List.of("m", "v")) {
                Optional<String> name = names.stream().filter(n -> n.equals("Adam/" + slot + "/" + weight)
                        || n.equals("Adam/" + base + "/" + slot + ":0")).findFirst();
                if (name.isEmpty()) {
                    return fresh(what + " is not imported: it has no " + slot + " for the weight " + weight);
                }
                tensors.put(slot + "/" + parameters.get(p).name(), floats(group.get().dataset(name.get()), parameters.get(p).shape()));
            }
        }
        long iterations = scalarLong(group.get().dataset(iteration.get()));
        Map<?, ?> config = (Map<?, ?>) optimizerConfig.get().get("config"); // refusedConfig checked it is an object
        Object rate = config.containsKey("learning_rate") ? config.get("learning_rate") : config.get("lr");
        if (!(rate instanceof Number learningRate)) {
            return fresh(what + " is not imported: its learning rate is " + KerasValues.describe(rate) + ", not a number");
        }
        return adam(optimizerConfig.get(), iterations, learningRate.doubleValue(), tensors, parameters, what);
    }

    /** Why an optimizer config is not one Kiln's Adam steps as Keras does, if it is not. */
    private static Optional<String> refusedConfig(Optional<Map<?, ?>> compiled) {
        if (compiled.isEmpty()) {
            return Optional.of("the file does not say which optimizer it belongs to (no compile or training config)");
        }
        Map<?, ?> optimizer = compiled.get();
        Object className = optimizer.get("class_name");
        if (!("Adam".equals(className) || "Custom>Adam".equals(className))) {
            return Optional.of("its optimizer is " + KerasValues.describe(className) + "; Kiln imports Adam's state");
        }
        if (!(optimizer.get("config") instanceof Map<?, ?> config)) {
            return Optional.of("its optimizer has no config");
        }
        for (Map.Entry<?, ?> entry : config.entrySet()) {
            Object key = entry.getKey();
            Object value = entry.getValue();
            boolean fits = NEUTRAL.contains(key) && (!List.of("learning_rate", "lr", "beta_1", "beta_2", "epsilon").contains(key)
                    || value instanceof Number) || ONLY.containsKey(key) && KerasKey.sameValue(ONLY.get(key), value)
                    || NULL_ONLY.contains(key) && value == null;
            if (!fits) {
                return Optional.of("Adam's '" + key + "' is " + KerasValues.describe(value) + ", which Kiln's Adam does not"
                        + " step as Keras does (Kiln imports a constant learning rate, no clipping, weight decay, EMA or amsgrad)");
            }
        }
        return Optional.empty();
    }

    private static Result adam(Map<?, ?> optimizer, long iterations, double learningRate, Map<String, Tensor> tensors,
                               List<Variable> parameters, String what) {
        Map<?, ?> config = optimizer.get("config") instanceof Map<?, ?> inner ? inner : optimizer;
        Adam adam = new Adam(LearningRateSchedule.constant(learningRate), number(config, "beta_1", 0.9),
                number(config, "beta_2", 0.999), number(config, "epsilon", 1e-7), false, OptimizerOptions.named("adam"));
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("iterations", iterations);
        values.put("learning_rate", learningRate);
        try {
            adam.restoreState(new PartState(values, tensors));
            adam.build(parameters);
        } catch (IllegalArgumentException e) {
            return fresh(what + " is not imported: " + e.getMessage());
        }
        return new Result(Optional.of(adam), String.format(java.util.Locale.ROOT, "optimizer state imported: Adam after %d"
                + " iterations (learning rate %s, m and v of %d weights); training continues from it", iterations,
                (float) learningRate, parameters.size()));
    }

    private static double number(Map<?, ?> config, String key, double fallback) {
        return config.get(key) instanceof Number number ? number.doubleValue() : fallback;
    }

    private static Result fresh(String why) {
        return new Result(Optional.empty(), why + "; a fresh optimizer is used when training starts");
    }

    private static Tensor floats(Hdf5Dataset dataset, Shape shape) throws IOException {
        if (dataset.dtype() != Hdf5Dtype.FLOAT32 || !dataset.shape().equals(shape)) {
            throw new KerasConfigException(dataset.source() + ": " + dataset.path() + " holds " + dataset.dtype() + " "
                    + dataset.shape() + "; the optimizer slot needs float32 " + shape);
        }
        return Tensor.wrap(dataset.readFloats(), shape);
    }

    private static long scalarLong(Hdf5Dataset dataset) throws IOException {
        if (!dataset.dtype().isInteger() || dataset.shape().size() != 1) {
            throw new KerasConfigException(dataset.source() + ": " + dataset.path() + " holds " + dataset.dtype() + " "
                    + dataset.shape() + "; the iteration count is one integer");
        }
        long value = dataset.readLongs()[0];
        if (value < 0) {
            throw new KerasConfigException(dataset.source() + ": " + dataset.path() + " is " + value + "; an iteration count is >= 0");
        }
        return value;
    }

    private static double scalarFloat(Hdf5Dataset dataset) throws IOException {
        if (!dataset.dtype().isFloatingPoint() || dataset.shape().size() != 1) {
            throw new KerasConfigException(dataset.source() + ": " + dataset.path() + " holds " + dataset.dtype() + " "
                    + dataset.shape() + "; the learning rate is one number");
        }
        double value = dataset.readDoubles()[0];
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new KerasConfigException(dataset.source() + ": " + dataset.path() + " is " + value + "; a learning rate is > 0");
        }
        return value;
    }
}
