package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.part.PartConfig;

import java.util.List;

/**
 * Keras' Dropout(rate, seed) and SpatialDropout1D(rate, seed): while training, each value (or,
 * spatially, each channel of an example at every step) is zeroed with probability {@code rate}
 * and the rest scaled by 1 / (1 - rate); in evaluate and predict it is the identity. Works on one
 * vector per example and on sequences (the mask and lengths pass on). The draws are a function of
 * (seed, training step, example, element) ({@link dev.kiln.engine.random.CounterRandom}): the
 * same on any thread count, and the same again in a fit resumed mid-epoch. Keras draws a random
 * seed when none is given; Kiln derives it from the layer's name so that runs repeat.
 */
public final class Dropout implements Layer {
    /** Keras' class name of the element-wise form. */
    public static final String TYPE = "Dropout";
    /** Keras' class name of the channel-wise form over sequences. */
    public static final String SPATIAL_TYPE = "SpatialDropout1D";

    private final float rate;
    private final int seed;
    private final boolean spatial;
    private final String name;
    private ValueSpec output;

    /**
     * @param rate    the share of values dropped, in [0, 1)
     * @param spatial drop whole channels per example (SpatialDropout1D; sequences only)
     */
    public Dropout(double rate, int seed, boolean spatial, String name) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = (float) rate;
        this.seed = seed;
        this.spatial = spatial;
        this.name = name;
    }

    /** Dropout(rate) with the seed derived from the name. */
    public Dropout(double rate, String name) {
        this(rate, name.hashCode(), false, name);
    }

    /** The layer a saved config of Dropout ({@code spatial} false) or SpatialDropout1D describes. */
    public static Dropout fromConfig(PartConfig config, boolean spatial) {
        config.requireOnly(spatial ? List.of("name", "rate", "seed") : List.of("name", "rate", "seed", "noise_shape"));
        if (config.values().containsKey("noise_shape")) {
            throw config.invalid("noise_shape", config.values().get("noise_shape"), "null (Kiln drops values independently)");
        }
        String name = config.getName();
        int seed = config.getInt("seed", name.hashCode(), Integer.MIN_VALUE, Integer.MAX_VALUE);
        return new Dropout(config.getDouble("rate", 0, Math.nextDown(1.0)), seed, spatial, name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        return PartConfig.layer(spatial ? SPATIAL_TYPE : TYPE).put("name", name).put("rate", (double) rate).put("seed", seed)
                .build();
    }

    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        ValueSpec checked = spatial ? input.require(this, ValueSpec.SEQUENCES) : input.require(this, ValueSpec.FEATURES,
                ValueSpec.SEQUENCES);
        output = checked;
        return checked;
    }

    @Override
    public boolean isBuilt() {
        return output != null;
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        if (!ops.training() || rate == 0) {
            return input;
        }
        if (input instanceof SequenceBatch sequences) {
            int tokens = sequences.values().shape().dim(0);
            int[] example = new int[tokens];
            int[] position = new int[tokens];
            for (int s = 0; s < sequences.batchSize(); s++) {
                for (int t = 0; t < sequences.lengths()[s]; t++) {
                    example[sequences.offsets()[s] + t] = s;
                    position[sequences.offsets()[s] + t] = t;
                }
            }
            Variable dropped = ops.dropout(sequences.values(), rate, seed, example, position, spatial);
            return sequences.withValues(dropped);
        }
        Variable values = Layer.expect(this, input, FeatureBatch.class).values();
        int rows = values.shape().dim(0);
        int[] example = new int[rows];
        for (int r = 0; r < rows; r++) {
            example[r] = r;
        }
        return new FeatureBatch(ops.dropout(values, rate, seed, example, new int[rows], false));
    }

    @Override
    public List<Variable> parameters() {
        return List.of();
    }

    @Override
    public String outputShape() {
        return output == null ? "" : output.summaryShape();
    }
}
