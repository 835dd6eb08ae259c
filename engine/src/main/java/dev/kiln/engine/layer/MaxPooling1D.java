package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Conv1dGeometry;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' MaxPooling1D(pool_size, strides, padding "valid"|"same") on each sequence: per feature,
 * the max of every window of pool_size steps, one window every strides steps (strides None,
 * Keras' default, is pool_size). Output lengths are Keras': "valid" floor((L - pool_size) /
 * strides) + 1 (0 when L &lt; pool_size), "same" ceil(L / strides), its padding split as
 * TensorFlow splits it and never the max. The gradient goes to the first step that holds each
 * max. Keras' MaxPooling1D does not support masking, so a masked input is an error naming the
 * layer when the model is built (so also when a saved model is loaded). No weights.
 */
public final class MaxPooling1D implements Layer {
    /** The Keras class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "MaxPooling1D";
    private static final String VALID = "valid";
    private static final String SAME = "same";
    private static final String CHANNELS_LAST = "channels_last";

    private final int poolSize;
    private final int stride;
    private final boolean same;
    private final String name;
    private ValueSpec output;

    /** Windows of {@code poolSize} steps every {@code stride} steps; {@code same} pads so the output has ceil(L / stride) steps. */
    public MaxPooling1D(int poolSize, int stride, boolean same, String name) {
        if (poolSize < 1 || stride < 1) {
            throw new IllegalArgumentException("MaxPooling1D needs pool_size and strides >= 1, got " + poolSize + " and " + stride);
        }
        this.poolSize = poolSize;
        this.stride = stride;
        this.same = same;
        this.name = name;
    }

    /** MaxPooling1D(pool_size) with Keras' defaults: strides = pool_size, padding "valid". */
    public MaxPooling1D(int poolSize, String name) {
        this(poolSize, poolSize, false, name);
    }

    /**
     * The layer its config describes: Keras' keys, pool_size and strides as an integer or a list of
     * one (as Keras writes them; pool_size absent: 2, strides absent or null: pool_size), padding
     * "valid" or "same", data_format "channels_last" only; anything else is refused by name.
     */
    public static MaxPooling1D fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "pool_size", "padding", "strides", "data_format"));
        config.getChoice("data_format", CHANNELS_LAST, List.of(CHANNELS_LAST));
        String padding = config.getChoice("padding", VALID, List.of(VALID, SAME));
        int poolSize = config.getIntOrListOfOne("pool_size", 2, 1, Conv1D.MAX_WINDOW);
        int stride = config.getIntOrListOfOne("strides", poolSize, 1, Conv1D.MAX_WINDOW);
        return new MaxPooling1D(poolSize, stride, SAME.equals(padding), config.getName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        return PartConfig.layer(TYPE).put("name", name).put("pool_size", List.of(poolSize)).put("padding", same ? SAME : VALID)
                .put("strides", List.of(stride)).put("data_format", CHANNELS_LAST).build();
    }

    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        int features = input.require(this, ValueSpec.SEQUENCES).requireUnmasked(this).width();
        int steps = input.fixedLength() ? geometry(new int[] {input.steps()}).outputLengths()[0] : ValueSpec.ANY_LENGTH;
        output = new ValueSpec(ValueSpec.SEQUENCES, features, false, steps);
        return output;
    }

    private Conv1dGeometry geometry(int[] lengths) {
        return Conv1dGeometry.of(lengths, poolSize, stride, 1, same);
    }

    @Override
    public boolean isBuilt() {
        return output != null;
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        SequenceBatch sequences = Layer.expectUnmasked(this, input, SequenceBatch.class);
        Conv1dGeometry geometry = geometry(sequences.lengths());
        Variable pooled = ops.maxPool1d(sequences.values(), sequences.lengths(), sequences.offsets(), geometry);
        return new SequenceBatch(pooled, geometry.outputLengths(), geometry.outputOffsets());
    }

    @Override
    public List<Variable> parameters() {
        return List.of();
    }

    @Override
    public String outputShape() {
        return output == null ? "(None, None, None)" : output.summaryShape();
    }
}
