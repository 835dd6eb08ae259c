package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Conv1dGeometry;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;

import java.util.List;

/**
 * Keras 3's Conv1D(filters, kernel_size, strides, padding "valid"|"same", dilation_rate,
 * activation) on each sequence: kernel [kernel_size, input channels, filters] glorot_uniform
 * ("layer/kernel"), bias zeros [filters] ("layer/bias"). Each output sequence has Keras' length
 * for its input's length. Keras' Conv1D does not support masking, so a masked input (an
 * Embedding with mask_zero, or a layer that passes its mask on) is an error naming the layer
 * when the model is built (so also when a saved model is loaded).
 */
public final class Conv1D implements Layer {
    /** The Keras class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "Conv1D";
    /** The largest kernel size, stride or dilation a config may ask for. */
    public static final int MAX_WINDOW = 1 << 16;
    private static final String VALID = "valid";
    private static final String SAME = "same";
    private static final String CHANNELS_LAST = "channels_last";

    private final int filters;
    private final int kernelSize;
    private final int stride;
    private final int dilation;
    private final boolean same;
    private final Activation activation;
    private final String name;
    private Variable kernel;
    private Variable bias;
    private ValueSpec output;

    /**
     * {@code filters} outputs per step from windows of {@code kernelSize} steps {@code dilation}
     * apart, every {@code stride} steps; {@code same} pads with zeros so the output has
     * ceil(length / stride) steps, otherwise only whole windows count ("valid").
     */
    public Conv1D(int filters, int kernelSize, int stride, int dilation, boolean same, Activation activation, String name) {
        if (filters < 1 || kernelSize < 1 || stride < 1 || dilation < 1) {
            throw new IllegalArgumentException("Conv1D needs filters, kernel_size, strides and dilation_rate >= 1, got "
                    + filters + ", " + kernelSize + ", " + stride + " and " + dilation);
        }
        if (stride > 1 && dilation > 1) { // Keras documents the combination as incompatible
            throw new IllegalArgumentException("Conv1D '" + name + "': strides > 1 with dilation_rate > 1 is not supported");
        }
        this.filters = filters;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.dilation = dilation;
        this.same = same;
        this.activation = activation;
        this.name = name;
    }

    /**
     * The layer its config describes: Keras' keys (kernel_size, strides and dilation_rate as an
     * integer or a one-element list, as Keras writes them); options Kiln does not implement
     * (padding "causal", channels_first, groups > 1, use_bias false) are refused by name.
     */
    public static Conv1D fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                "groups", "activation", "use_bias"));
        config.getChoice("data_format", CHANNELS_LAST, List.of(CHANNELS_LAST));
        if (config.getInt("groups", 1, 1, MAX_WINDOW) != 1) {
            throw config.invalid("groups", config.values().get("groups"), "1 (Kiln has no grouped convolution)");
        }
        if (!config.getBoolean("use_bias", true)) {
            throw config.invalid("use_bias", false, "true (Kiln's Conv1D always has a bias)");
        }
        String padding = config.getChoice("padding", VALID, List.of(VALID, SAME));
        String activation = config.values().containsKey("activation")
                ? config.getChoice("activation", Activation.kerasNames()) : "linear";
        int stride = config.getIntOrListOfOne("strides", 1, 1, MAX_WINDOW);
        int dilation = config.getIntOrListOfOne("dilation_rate", 1, 1, MAX_WINDOW);
        if (stride > 1 && dilation > 1) {
            throw config.error("strides", "> 1 with dilation_rate > 1 is not allowed (Keras documents them as incompatible)");
        }
        int kernelSize = config.getIntOrListOfOne("kernel_size", null, 1, MAX_WINDOW);
        return new Conv1D(config.getDimension("filters"), kernelSize, stride, dilation, SAME.equals(padding),
                Activation.fromKerasName(activation), config.getName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        return PartConfig.layer(TYPE).put("name", name).put("filters", filters).put("kernel_size", List.of(kernelSize))
                .put("strides", List.of(stride)).put("padding", same ? SAME : VALID).put("data_format", CHANNELS_LAST)
                .put("dilation_rate", List.of(dilation)).put("groups", 1).put("activation", activation.kerasName())
                .put("use_bias", true).build();
    }

    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        int channels = input.require(this, ValueSpec.SEQUENCES).requireUnmasked(this).width();
        if (kernel == null) {
            // Keras' glorot_uniform for a conv kernel: fan_in = k * in, fan_out = k * out.
            float limit = (float) Math.sqrt(6.0 / ((double) kernelSize * channels + (double) kernelSize * filters));
            kernel = parameters.parameter(name + "/kernel", Shape.of(kernelSize, channels, filters),
                    rng -> Initializers.uniform(rng, -limit, limit, kernelSize, channels, filters));
            bias = parameters.parameter(name + "/bias", Shape.of(filters), rng -> Tensor.zeros(filters));
        } else if (kernel.shape().dim(1) != channels) {
            throw new IllegalArgumentException(name + " was built for " + kernel.shape().dim(1)
                    + " input channels, got " + channels);
        }
        int steps = input.fixedLength() ? Conv1dGeometry.of(new int[] {input.steps()}, kernelSize, stride, dilation, same)
                .outputLengths()[0] : ValueSpec.ANY_LENGTH;
        output = new ValueSpec(ValueSpec.SEQUENCES, filters, false, steps);
        return output;
    }

    @Override
    public boolean isBuilt() {
        return kernel != null;
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        SequenceBatch sequences = Layer.expectUnmasked(this, input, SequenceBatch.class);
        Conv1dGeometry geometry = Conv1dGeometry.of(sequences.lengths(), kernelSize, stride, dilation, same);
        Variable convolved = ops.conv1d(sequences.values(), sequences.lengths(), sequences.offsets(), ops.bind(kernel),
                geometry);
        Variable output = activation.apply(ops, ops.add(convolved, ops.bind(bias)));
        return new SequenceBatch(output, geometry.outputLengths(), geometry.outputOffsets());
    }

    @Override
    public List<Variable> parameters() {
        return kernel == null ? List.of() : List.of(kernel, bias);
    }

    @Override
    public String outputShape() {
        return (output == null ? new ValueSpec(ValueSpec.SEQUENCES, filters) : output).summaryShape();
    }
}
