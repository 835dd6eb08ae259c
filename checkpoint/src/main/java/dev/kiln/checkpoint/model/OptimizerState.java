package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.optim.Sgd;
import dev.kiln.engine.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer in a model file: the "optimizer" metadata section (class_name, hyper-parameters,
 * iterations) and, for Adam, the tensors {@code optimizer/m/<parameter>} and
 * {@code optimizer/v/<parameter>}. Adam and SGD are known; a file naming another is refused.
 */
final class OptimizerState {
    private OptimizerState() {}

    /** The metadata section for {@code optimizer}, adding its tensors (named after {@code parameters}) to {@code tensors}. */
    static Map<String, Object> write(Optimizer optimizer, List<String> parameters, Map<String, Tensor> tensors) {
        Map<String, Object> section = new LinkedHashMap<>();
        switch (optimizer) {
            case Adam adam -> {
                section.put("class_name", "Adam");
                section.put("learning_rate", (double) adam.learningRate());
                section.put("beta_1", (double) adam.beta1());
                section.put("beta_2", (double) adam.beta2());
                section.put("epsilon", (double) adam.epsilon());
                section.put("iterations", adam.iterations());
                for (int p = 0; p < adam.moments().size(); p++) {
                    tensors.put("optimizer/m/" + parameters.get(p), adam.moments().get(p));
                    tensors.put("optimizer/v/" + parameters.get(p), adam.velocities().get(p));
                }
            }
            case Sgd sgd -> {
                section.put("class_name", "SGD");
                section.put("learning_rate", (double) sgd.learningRate());
                section.put("iterations", sgd.iterations());
            }
            default -> throw new IllegalArgumentException("cannot save a " + optimizer.getClass().getSimpleName() + " optimizer");
        }
        return section;
    }

    /** The optimizer a file's section describes, its state checked against the model's parameters. */
    static Optimizer read(Map<String, Object> section, Map<String, Tensor> tensors, List<Variable> parameters, Path path)
            throws CheckpointFormatException {
        long iterations = ((Number) section.get("iterations")).longValue();
        Object className = section.get("class_name");
        if ("SGD".equals(className)) {
            return new Sgd(number(section, "learning_rate")).restore(iterations);
        }
        if (!"Adam".equals(className)) {
            throw new CheckpointFormatException(path + ": metadata: optimizer " + className + " is not one this build reads (Adam, SGD)");
        }
        Adam adam = new Adam(number(section, "learning_rate"), number(section, "beta_1"), number(section, "beta_2"),
                number(section, "epsilon"));
        List<Tensor> m = new ArrayList<>();
        List<Tensor> v = new ArrayList<>();
        if (!parameters.isEmpty() && tensors.containsKey("optimizer/m/" + parameters.get(0).name())) {
            for (Variable parameter : parameters) {
                m.add(ModelFile.checked(parameter, tensors.get("optimizer/m/" + parameter.name()), "optimizer/m/", path));
                v.add(ModelFile.checked(parameter, tensors.get("optimizer/v/" + parameter.name()), "optimizer/v/", path));
            }
        }
        adam.restore(iterations, m, v);
        return adam;
    }

    /** Puts a saved optimizer's state into the live one of the same kind. */
    static void restore(Optimizer saved, Optimizer live, Path path) throws CheckpointFormatException {
        switch (saved) {
            case Adam adam when live instanceof Adam target -> target.restore(adam.iterations(), adam.moments(), adam.velocities());
            case Sgd sgd when live instanceof Sgd target -> target.restore(sgd.iterations());
            default -> throw new CheckpointFormatException(path + ": holds the state of a " + saved.getClass().getSimpleName()
                    + " optimizer; the model is compiled with " + (live == null ? "none" : live.getClass().getSimpleName()));
        }
    }

    private static float number(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).floatValue();
    }
}
