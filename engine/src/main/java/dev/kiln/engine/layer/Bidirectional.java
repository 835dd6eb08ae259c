package dev.kiln.engine.layer;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Bidirectional(layer, merge_mode) of an LSTM, GRU or SimpleRNN: a forward copy and a backward copy of the wrapped layer's
 * configuration (as Keras does, the wrapped instance's own weights are not used). The backward
 * copy reads each sequence from its last real token to its first, from zero state; with
 * return_sequences its output at each token lines up with the forward one (Keras' rule). The two
 * are merged as Keras' merge_mode says: concat [forward, backward] (the default), sum, ave
 * (their mean) or mul (element-wise product).
 */
public final class Bidirectional implements Layer {
    /** The Keras class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "Bidirectional";

    /** Keras' merge modes, by their names. */
    public static final List<String> MERGE_MODES = List.of("concat", "sum", "ave", "mul");

    /** The recurrent layers Bidirectional wraps, by Keras class name. */
    private static final Map<String, Function<PartConfig, Recurrent>> WRAPPABLE = Map.of(
            Lstm.TYPE, Lstm::fromConfig,
            CellRnn.GRU_TYPE, config -> CellRnn.fromConfig(config, CellRnn.Kind.GRU),
            CellRnn.SIMPLE_RNN_TYPE, config -> CellRnn.fromConfig(config, CellRnn.Kind.SIMPLE_RNN));

    private final Recurrent wrapped;
    private final String mergeMode;
    private final String name;
    private final Recurrent forward;
    private final Recurrent backward;
    private ValueSpec output;

    /**
     * Wraps {@code layer}'s configuration in a forward and a backward copy, named {@code name}/forward_... and
     * {@code name}/backward_....
     */
    public Bidirectional(Recurrent layer, String name) {
        this(layer, "concat", name);
    }

    /** The same with the outputs merged by {@code mergeMode}: concat, sum, ave or mul. */
    public Bidirectional(Recurrent layer, String mergeMode, String name) {
        if (!MERGE_MODES.contains(mergeMode)) {
            throw new IllegalArgumentException("Bidirectional: merge_mode must be one of " + MERGE_MODES + ", got " + mergeMode);
        }
        this.wrapped = layer;
        this.mergeMode = mergeMode;
        this.name = name;
        this.forward = layer.copy(name + "/forward_" + layer.name(), false);
        this.backward = layer.copy(name + "/backward_" + layer.name(), true);
    }

    /**
     * The layer its config describes (an LSTM inside, a merge mode); an unknown key or a bad value is an
     * error naming it.
     */
    public static Bidirectional fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "merge_mode", "layer"));
        String mergeMode = config.getChoice("merge_mode", "concat", MERGE_MODES);
        PartConfig wrapped = config.getConfig("layer");
        Function<PartConfig, Recurrent> factory = WRAPPABLE.get(wrapped.type());
        if (factory == null) {
            throw config.invalid("layer", wrapped, "a layer config of type " + WRAPPABLE.keySet().stream().sorted().toList());
        }
        return new Bidirectional(factory.apply(wrapped), mergeMode, config.getName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        return PartConfig.layer(TYPE).put("name", name).put("merge_mode", mergeMode).put("layer", wrapped.config()).build();
    }

    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        input.require(this, ValueSpec.SEQUENCES);
        ValueSpec forwardOutput = forward.build(input, parameters);
        backward.build(input, parameters); // the same config, so the same output as the forward copy
        output = merged(forwardOutput);
        return output;
    }

    /** What the merged directions give when one direction gives {@code direction}: concat doubles the width. */
    private ValueSpec merged(ValueSpec direction) {
        return new ValueSpec(direction.kind(), mergeMode.equals("concat") ? 2 * direction.width() : direction.width(),
                direction.masked(), direction.steps());
    }

    @Override
    public boolean isBuilt() {
        return forward.isBuilt();
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        SequenceBatch sequences = Layer.expect(this, input, SequenceBatch.class);
        Variable output = merged(forward.bothDirections(backward, sequences, ops), ops);
        return wrapped.returnSequences()
                ? sequences.withValues(output)
                : new FeatureBatch(output);
    }

    /** [forward, backward] side by side as the fused operation gives them, merged by the merge mode. */
    private Variable merged(Variable both, Ops ops) {
        if (mergeMode.equals("concat")) {
            return both;
        }
        int units = wrapped.units();
        Variable forwardOutput = ops.slice(both, 0, units);
        Variable backwardOutput = ops.slice(both, units, 2 * units);
        return switch (mergeMode) {
            case "sum" -> ops.add(forwardOutput, backwardOutput);
            case "mul" -> ops.multiply(forwardOutput, backwardOutput);
            default -> ops.map(ops.add(forwardOutput, backwardOutput), "ave", v -> 0.5 * v, v -> 0.5);
        };
    }

    @Override
    public List<Variable> parameters() {
        List<Variable> all = new ArrayList<>(forward.parameters());
        all.addAll(backward.parameters());
        return all;
    }

    @Override
    public String outputShape() {
        return (output == null ? merged(wrapped.outputFor(ValueSpec.input(0))) : output).summaryShape();
    }
}
