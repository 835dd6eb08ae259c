package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartConfigException;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conv1D's config (Keras' keys, refusals by name), its masking rule, its shapes and Keras' parameter count. */
class Conv1DTest {
    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());

    @Test
    void configRoundTripsThroughTheRegistryWithKerasKeys() {
        Conv1D layer = new Conv1D(8, 3, 2, 1, true, Activation.RELU, "conv1d");
        PartConfig config = layer.config();
        assertEquals(List.of(3), config.values().get("kernel_size"));
        Layer again = LayerRegistry.withEngineLayers().create(config);
        assertEquals(config, again.config());
    }

    @Test
    void acceptsKerasIntegersAndDefaults() {
        PartConfig config = PartConfig.layer(Conv1D.TYPE).put("name", "c").put("filters", 4).put("kernel_size", 5).build();
        PartConfig built = Conv1D.fromConfig(config).config();
        assertEquals("valid", built.values().get("padding"));
        assertEquals("linear", built.values().get("activation"));
        assertEquals(List.of(1), built.values().get("strides"));
    }

    @Test
    void refusesWhatKilnDoesNotImplementByName() {
        assertRefused("padding", PartConfig.layer(Conv1D.TYPE).put("name", "c").put("filters", 4).put("kernel_size", 3)
                .put("padding", "causal").build());
        assertRefused("data_format", PartConfig.layer(Conv1D.TYPE).put("name", "c").put("filters", 4).put("kernel_size", 3)
                .put("data_format", "channels_first").build());
        assertRefused("groups", PartConfig.layer(Conv1D.TYPE).put("name", "c").put("filters", 4).put("kernel_size", 3)
                .put("groups", 2).build());
        assertRefused("use_bias", PartConfig.layer(Conv1D.TYPE).put("name", "c").put("filters", 4).put("kernel_size", 3)
                .put("use_bias", false).build());
        assertRefused("kernel_regularizer", PartConfig.layer(Conv1D.TYPE).put("name", "c").put("filters", 4).put("kernel_size", 3)
                .put("kernel_regularizer", "l2").build());
        assertRefused("strides", PartConfig.layer(Conv1D.TYPE).put("name", "c").put("filters", 4).put("kernel_size", 3)
                .put("strides", List.of(2)).put("dilation_rate", List.of(2)).build());
        assertRefused("kernel_size", PartConfig.layer(Conv1D.TYPE).put("name", "c").put("filters", 4)
                .put("kernel_size", List.of(3, 3)).build());
    }

    private static void assertRefused(String key, PartConfig config) {
        PartConfigException error = assertThrows(PartConfigException.class, () -> Conv1D.fromConfig(config));
        assertTrue(error.getMessage().contains(key), error.getMessage());
    }

    /** At build, so a saved model with a mask before a Conv1D is refused when it is loaded, not at its first prediction. */
    @Test
    void aMaskedInputIsAnErrorNamingTheLayerAsInKeras() {
        for (List<Layer> layers : List.of(
                List.<Layer>of(new Embedding(20, 4, true, "embedding"), new Conv1D(3, 2, 1, 1, false, Activation.RELU, "my_conv")),
                List.<Layer>of(new Embedding(20, 4, true, "embedding"), new Dense(5, Activation.TANH, "dense"),
                        new Dropout(0.5, "dropout"), new LayerNormalization("layer_normalization"),
                        new Conv1D(3, 2, 1, 1, false, Activation.RELU, "my_conv")),
                List.<Layer>of(new Embedding(20, 4, true, "embedding"), new Lstm(3, false, true, "lstm"),
                        new Conv1D(3, 2, 1, 1, false, Activation.RELU, "my_conv")))) {
            Sequential model = new Sequential(layers);
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> model.build(0, new Rng(1)));
            assertTrue(error.getMessage().contains("'my_conv'") && error.getMessage().contains("masking"), error.getMessage());
        }
    }

    @Test
    void aMaskedSequenceBatchIsRefusedAtForwardToo() {
        Embedding embedding = new Embedding(20, 4, true, "embedding");
        embedding.build(ValueSpec.input(0), ParameterSource.initial(new Rng(1)));
        Conv1D conv = new Conv1D(3, 2, 1, 1, false, Activation.RELU, "my_conv");
        conv.build(new ValueSpec(ValueSpec.SEQUENCES, 4), ParameterSource.initial(new Rng(1)));
        Ops ops = new Ops(KERNELS, Tape.inference());
        LayerValue masked = embedding.forward(TokenBatch.ofPadded(new int[][] {{3, 4, 0}}), ops);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> conv.forward(masked, ops));
        assertTrue(error.getMessage().contains("'my_conv'"), error.getMessage());
    }

    @Test
    void anUnmaskedEmbeddingThroughAnLstmFeedsAConv1D() {
        Sequential model = new Sequential(List.of(new Embedding(20, 4, false, "embedding"), new Lstm(3, false, true, "lstm"),
                new Conv1D(3, 2, 1, 1, false, Activation.RELU, "conv1d")));
        model.build(0, new Rng(1));
        assertTrue(model.isBuilt());
    }

    @Test
    void withoutMaskZeroThePaddedSequenceIsConvolvedWhole() {
        Sequential model = new Sequential(List.of(new Embedding(20, 4, false, "embedding"),
                new Conv1D(3, 2, 1, 1, false, Activation.RELU, "conv1d")));
        model.build(0, new Rng(1));
        // Rows as TextVectorization gives them (output_sequence_length pads with id 0, kept as tokens).
        SequenceBatch out = (SequenceBatch) model.forward(TokenBatch.ofRows(new int[][] {{3, 4, 0, 0}, {5, 0, 0, 0}}),
                new Ops(KERNELS, Tape.inference()));
        assertFalse(out.masked());
        assertArrayEquals(new int[] {3, 3}, out.lengths());
        assertArrayEquals(new int[] {0, 3}, out.offsets());
    }

    @Test
    void theMaskFlagPassesThroughLayersThatPassTheMask() {
        Sequential model = new Sequential(List.of(new Embedding(20, 4, true, "embedding"), new Dense(5, Activation.TANH, "dense"),
                new LayerNormalization("layer_normalization")));
        model.build(0, new Rng(1));
        SequenceBatch out = (SequenceBatch) model.forward(TokenBatch.ofPadded(new int[][] {{3, 0}}), new Ops(KERNELS, Tape.inference()));
        assertTrue(out.masked());
        assertTrue(out.slice(0, 1).masked());
    }

    /** Keras' shapes for rows padded to 12 ids: valid k5 leaves 8 steps, same with stride 2 then 4; a mask frees the length. */
    @Test
    void aFixedInputLengthCarriesThroughAsKerasShapesIt() {
        Sequential model = new Sequential(List.of(new Embedding(20, 4, false, "embedding"),
                new Conv1D(3, 5, 1, 1, false, Activation.RELU, "conv1d"), new Dense(2, Activation.TANH, "dense"),
                new Lstm(3, false, true, "lstm"), new Bidirectional(new Lstm(2, false, true, "lstm_1"), "bidirectional"),
                new LayerNormalization("layer_normalization"), new Dropout(0.5, "dropout"),
                new Conv1D(2, 3, 2, 1, true, Activation.RELU, "conv1d_1")));
        ValueSpec output = model.build(ValueSpec.input(0, 12), ParameterSource.initial(new Rng(1)));
        assertEquals(new ValueSpec(ValueSpec.SEQUENCES, 2, false, 4), output);
        assertEquals(List.of("(None, 12, 4)", "(None, 8, 3)", "(None, 8, 2)", "(None, 8, 3)", "(None, 8, 4)", "(None, 8, 4)",
                "(None, 8, 4)", "(None, 4, 2)"), model.layers().stream().map(Layer::outputShape).toList());

        Embedding masking = new Embedding(20, 4, true, "embedding");
        assertEquals(ValueSpec.ANY_LENGTH, masking.build(ValueSpec.input(0, 12), ParameterSource.initial(new Rng(1))).steps());
        assertEquals("(None, None, 4)", masking.outputShape());
    }

    /** Keras: Embedding 1000 x 64 = 64,000; Conv1D 5 x 64 x 128 + 128 = 41,088; the pool 0; the head 128 + 1 = 129. */
    @Test
    void theCnnTextModelHasKerasParameterCount() {
        Sequential model = new Sequential(List.of(new Embedding(1000, 64, false, "embedding"),
                new Conv1D(128, 5, 1, 1, false, Activation.RELU, "conv1d"), GlobalPooling1D.max("global_max_pooling1d"),
                new Dense(1, Activation.LINEAR, "dense")));
        model.build(0, new Rng(0));
        assertEquals(105_217, model.parameterCount());
        assertTrue(model.summary().contains(" conv1d (Conv1D)             (None, None, 128)         41088     \n"), model.summary());
        assertTrue(model.summary().contains("Total params: 105,217\n"), model.summary());
    }
}
