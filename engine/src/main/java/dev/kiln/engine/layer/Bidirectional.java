package dev.kiln.engine.layer;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;

import java.util.ArrayList;
import java.util.List;

/**
 * Bidirectional(LSTM), merge mode concat: a forward copy and a backward copy of the wrapped
 * layer's configuration (as Keras does, the wrapped instance's own weights are not used), the
 * output [forward final h, backward final h]. The backward copy reads each sequence from its last
 * real token to its first, from zero state.
 */
public final class Bidirectional implements Layer {
    /** The Keras class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "Bidirectional";

    private final Lstm wrapped;
    private final String name;
    private final Lstm forward;
    private final Lstm backward;

    /**
     * Wraps {@code layer}'s configuration in a forward and a backward copy, named {@code name}/forward_... and
     * {@code name}/backward_....
     */
    public Bidirectional(Lstm layer, String name) {
        this.wrapped = layer;
        this.name = name;
        this.forward = layer.copy(name + "/forward_" + layer.name(), false);
        this.backward = layer.copy(name + "/backward_" + layer.name(), true);
    }

    /**
     * The layer its config describes (merge_mode concat, an LSTM inside); an unknown key or a bad value is an
     * error naming it.
     */
    public static Bidirectional fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "merge_mode", "layer"));
        config.getChoice("merge_mode", List.of("concat"));
        PartConfig wrapped = config.getConfig("layer");
        if (!wrapped.type().equals(Lstm.TYPE)) {
            throw config.invalid("layer", wrapped, "a layer config of type " + Lstm.TYPE);
        }
        return new Bidirectional(Lstm.fromConfig(wrapped), config.getName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        return PartConfig.layer(TYPE).put("name", name).put("merge_mode", "concat").put("layer", wrapped.config()).build();
    }

    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        input.require(this, ValueSpec.SEQUENCES);
        ValueSpec forwardOutput = forward.build(input, parameters);
        return new ValueSpec(forwardOutput.kind(), forwardOutput.width() + backward.build(input, parameters).width());
    }

    @Override
    public boolean isBuilt() {
        return forward.isBuilt();
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        SequenceBatch sequences = Layer.expect(this, input, SequenceBatch.class);
        // One fused operation for both directions, so they can run in parallel.
        Variable output = ops.bidirectionalLstm(sequences::values, sequences.rows(), sequences.lengths(), sequences.offsets(),
                bound(forward, ops), bound(backward, ops), wrapped.returnSequences());
        return wrapped.returnSequences()
                ? new SequenceBatch(output, sequences.lengths(), sequences.offsets())
                : new FeatureBatch(output);
    }

    private static List<Variable> bound(Lstm lstm, Ops ops) {
        return lstm.parameters().stream().map(ops::bind).toList();
    }

    @Override
    public List<Variable> parameters() {
        List<Variable> all = new ArrayList<>(forward.parameters());
        all.addAll(backward.parameters());
        return all;
    }

    @Override
    public String outputShape() {
        return wrapped.returnSequences() ? "(None, None, " + 2 * wrapped.units() + ")" : "(None, " + 2 * wrapped.units() + ")";
    }
}
