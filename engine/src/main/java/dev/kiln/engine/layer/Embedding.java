package dev.kiln.engine.layer;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.autodiff.EmbeddingRows;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.tensor.Shape;

import java.util.List;

/**
 * Embedding(inputDim, outputDim, maskZero): a [inputDim, outputDim] table initialised
 * U(-0.05, 0.05), looked up row by row. With maskZero, id 0 is padding: it gets no row and the
 * sequence's true length travels on to the next layer (so inputDim must count id 0).
 */
public final class Embedding implements Layer {
    /** The Keras class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "Embedding";

    private final int inputDim;
    private final int outputDim;
    private final boolean maskZero;
    private final String name;
    private Variable embeddings;
    private ValueSpec output;

    /** A table of {@code inputDim} rows of {@code outputDim} values; with {@code maskZero}, id 0 is padding. */
    public Embedding(int inputDim, int outputDim, boolean maskZero, String name) {
        if (inputDim < 1 || outputDim < 1) {
            throw new IllegalArgumentException("Embedding needs inputDim >= 1 and outputDim >= 1, got "
                    + inputDim + " and " + outputDim);
        }
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        this.maskZero = maskZero;
        this.name = name;
    }

    /** The layer its config describes; an unknown key or a bad value is an error naming it. */
    public static Embedding fromConfig(PartConfig config) {
        config.requireOnly(List.of("name", "input_dim", "output_dim", "mask_zero"));
        return new Embedding(config.getDimension("input_dim"), config.getDimension("output_dim"), config.getBoolean("mask_zero"),
                config.getName());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        return PartConfig.layer(TYPE).put("name", name).put("input_dim", inputDim).put("output_dim", outputDim)
                .put("mask_zero", maskZero).build();
    }

    /** Takes token ids; when the layer before says how many distinct ids it emits, they must all have a row. */
    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        input.require(this, ValueSpec.TOKEN_IDS);
        if (input.width() > inputDim) {
            throw new IllegalArgumentException("layer '" + name + "' (Embedding) has input_dim " + inputDim
                    + " but the layer before it emits ids up to " + (input.width() - 1));
        }
        if (embeddings == null) {
            embeddings = parameters.parameter(name + "/embeddings", Shape.of(inputDim, outputDim),
                    rng -> Initializers.uniform(rng, -0.05f, 0.05f, inputDim, outputDim));
        }
        // With mask_zero each sequence keeps only its real tokens, so a fixed input length does not carry over.
        output = new ValueSpec(ValueSpec.SEQUENCES, outputDim, maskZero, maskZero ? ValueSpec.ANY_LENGTH : input.steps());
        return output;
    }

    @Override
    public boolean isBuilt() {
        return embeddings != null;
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        TokenBatch tokens = Layer.expect(this, input, TokenBatch.class);
        if (maskZero) {
            tokens = tokens.withoutZeros();
        }
        Variable table = ops.bind(embeddings);
        int[] ids = tokens.ids();
        // Deferred: an LSTM that projects the table never needs the vectors (the gather checks the ids when it runs).
        return SequenceBatch.ofTableRows(new EmbeddingRows(table, ids), tokens.lengths(), tokens.offsets(),
                () -> ops.gather(table, ids), maskZero);
    }

    @Override
    public List<Variable> parameters() {
        return embeddings == null ? List.of() : List.of(embeddings);
    }

    @Override
    public String outputShape() {
        return (output == null ? new ValueSpec(ValueSpec.SEQUENCES, outputDim) : output).summaryShape();
    }
}
