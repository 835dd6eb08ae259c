package dev.kiln.checkpoint.model;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.MetadataSection;
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
    static Optimizer read(MetadataSection section, Map<String, Tensor> tensors, List<Variable> parameters, Path path)
            throws CheckpointFormatException {
        String className = section.choice("class_name", List.of("Adam", "SGD"));
        long iterations = section.integer("iterations", 0, Long.MAX_VALUE);
        Adam adam;
        try {
            if (className.equals("SGD")) {
                return new Sgd(rate(section)).restore(iterations);
            }
            adam = new Adam(rate(section), (float) section.number("beta_1", 0, 1), (float) section.number("beta_2", 0, 1),
                    (float) section.number("epsilon", 0, Float.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw section.error(e.getMessage()); // the optimizer's own rule, e.g. beta_2 < 1
        }
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

    /** A learning rate; the optimizer refuses 0. */
    private static float rate(MetadataSection section) throws CheckpointFormatException {
        return (float) section.number("learning_rate", 0, Float.MAX_VALUE);
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
}
