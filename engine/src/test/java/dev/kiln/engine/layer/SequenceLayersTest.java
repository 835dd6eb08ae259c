package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartConfigException;
import dev.kiln.engine.part.PartRegistry;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * GlobalAveragePooling1D, GlobalMaxPooling1D, LayerNormalization and Dense on sequences: what they
 * compute on masked batches, their configs with Keras' keys and defaults, and the errors of
 * configs and inputs they cannot take.
 */
class SequenceLayersTest {
    private static final Ops OPS = new Ops(Kernels.preferred(ComputePool.singleThreaded()), Tape.inference());
    private static final PartRegistry<Layer> REGISTRY = LayerRegistry.withEngineLayers();

    /** Padding (id 0 with mask_zero) changes nothing: the pools see the real steps only; an all-padding row gives zeros. */
    @Test
    void poolingSeesOnlyTheRealSteps() {
        Embedding embedding = new Embedding(10, 3, true, "embedding");
        embedding.build(0, new Rng(3));
        float[] table = embedding.parameters().getFirst().data();
        SequenceBatch padded = (SequenceBatch) embedding.forward(TokenBatch.ofPadded(new int[][] {{4, 0, 9, 0}, {0, 0, 0, 0}, {2, 0, 0, 0}}),
                OPS);
        float[] mean = ((FeatureBatch) GlobalPooling1D.average("average").forward(padded, OPS)).values().data();
        float[] max = ((FeatureBatch) GlobalPooling1D.max("max").forward(padded, OPS)).values().data();
        for (int j = 0; j < 3; j++) {
            assertEquals((table[4 * 3 + j] + table[9 * 3 + j]) / 2, mean[j], 1e-7);
            assertEquals(Math.max(table[4 * 3 + j], table[9 * 3 + j]), max[j]);
            assertEquals(0f, mean[3 + j]);
            assertEquals(0f, max[3 + j]);
            assertEquals(table[2 * 3 + j], mean[6 + j]);
            assertEquals(table[2 * 3 + j], max[6 + j]);
        }
    }

    /** Per token, LayerNormalization and Dense compute what they compute on the same rows as vectors; the lengths pass on. */
    @Test
    void perTokenLayersMatchTheirVectorFormAndKeepTheLengths() {
        Embedding embedding = new Embedding(10, 4, true, "embedding");
        embedding.build(0, new Rng(3));
        SequenceBatch tokens = (SequenceBatch) embedding.forward(TokenBatch.ofRows(new int[][] {{1, 2, 3}, {}, {5}}), OPS);
        Variable rows = Variable.constant(tokens.values().value());
        Dense dense = new Dense(3, Activation.SOFTMAX, "dense");
        assertEquals(new ValueSpec(ValueSpec.SEQUENCES, 3), dense.build(new ValueSpec(ValueSpec.SEQUENCES, 4),
                ParameterSource.initial(new Rng(5))));
        assertEquals("(None, None, 3)", dense.outputShape());
        LayerNormalization norm = new LayerNormalization(0.01, true, true, "norm");
        assertEquals(new ValueSpec(ValueSpec.SEQUENCES, 3), norm.build(new ValueSpec(ValueSpec.SEQUENCES, 3), ParameterSource.initial(null)));
        assertEquals("(None, None, 3)", norm.outputShape());
        norm.parameters().get(0).data()[1] = 2f; // gamma
        norm.parameters().get(1).data()[2] = -1f; // beta

        SequenceBatch out = (SequenceBatch) norm.forward(dense.forward(tokens, OPS), OPS);
        assertSame(tokens.lengths(), out.lengths());
        assertSame(tokens.offsets(), out.offsets());
        assertNull(out.rows(), "new values are not rows of the embedding table");
        float[] asVectors = ((FeatureBatch) norm.forward(dense.forward(new FeatureBatch(rows), OPS), OPS)).values().data();
        assertArrayEquals(asVectors, out.values().data());
        assertEquals(4 * 3, out.values().value().size());
    }

    @Test
    void layerNormalizationNormalizesEachVector() {
        LayerNormalization norm = new LayerNormalization("norm");
        norm.build(4, new Rng(1));
        assertEquals(List.of("norm/gamma", "norm/beta"), norm.parameters().stream().map(Variable::name).toList());
        assertArrayEquals(new float[] {1, 1, 1, 1}, norm.parameters().get(0).data());
        assertArrayEquals(new float[4], norm.parameters().get(1).data());
        float[] x = {1, 2, 3, 6, 5, 5, 5, 5};
        float[] y = ((FeatureBatch) norm.forward(new FeatureBatch(Variable.constant(Tensor.wrap(x, 2, 4))), OPS)).values().data();
        double deviation = Math.sqrt(3.5 + 1e-3); // mean 3, biased variance (4 + 1 + 0 + 9) / 4
        assertArrayEquals(new float[] {(float) (-2 / deviation), (float) (-1 / deviation), 0, (float) (3 / deviation), 0, 0, 0, 0}, y,
                1e-6f);
        LayerNormalization bare = new LayerNormalization(1e-3, false, false, "bare");
        bare.build(4, new Rng(1));
        assertEquals(List.of(), bare.parameters(), "center=False and scale=False: no weights, as Keras");
        LayerNormalization scaleOnly = new LayerNormalization(1e-3, false, true, "scale_only");
        scaleOnly.build(4, new Rng(1));
        assertEquals(List.of("scale_only/gamma"), scaleOnly.parameters().stream().map(Variable::name).toList());
    }

    @Test
    void configsUseKerasKeysAndRebuildEqualLayers() {
        List<Layer> layers = List.of(GlobalPooling1D.average("gap"), GlobalPooling1D.max("gmp"), new LayerNormalization("norm"),
                new LayerNormalization(0.25, false, true, "norm_1"));
        for (Layer layer : layers) {
            assertEquals(layer.config(), REGISTRY.create(layer.config()).config());
        }
        assertEquals("GlobalAveragePooling1D{name=gap, data_format=channels_last, keepdims=false}", layers.get(0).config().toString());
        assertEquals("LayerNormalization{name=norm, axis=-1, epsilon=0.001, center=true, scale=true}", layers.get(2).config().toString());
        // Keras' defaults for absent keys; Keras writes axis as [-1] once the layer is built.
        Layer keras = REGISTRY.create(PartConfig.layer("LayerNormalization").put("name", "ln").put("axis", List.of(-1)).build());
        assertEquals(new LayerNormalization("ln").config(), keras.config());
        assertEquals(GlobalPooling1D.max("p").config(), REGISTRY.create(PartConfig.layer("GlobalMaxPooling1D").put("name", "p").build()).config());
    }

    @Test
    void kerasOptionsKilnDoesNotSupportAreRefusedByName() {
        assertRefused("layer 'p' (GlobalAveragePooling1D): 'data_format' is \"channels_first\"; allowed: one of [channels_last]",
                PartConfig.layer("GlobalAveragePooling1D").put("name", "p").put("data_format", "channels_first"));
        assertRefused("layer 'p' (GlobalMaxPooling1D): 'keepdims' is true; allowed: false (the output is one vector per example)",
                PartConfig.layer("GlobalMaxPooling1D").put("name", "p").put("keepdims", true));
        assertRefused("layer 'p' (GlobalMaxPooling1D): unknown key 'pool_size'; GlobalMaxPooling1D takes [name, data_format, keepdims]",
                PartConfig.layer("GlobalMaxPooling1D").put("name", "p").put("pool_size", 2));
        assertRefused("layer 'ln' (LayerNormalization): 'axis' is 1; allowed: -1 or [-1] (the features: Kiln normalizes each vector"
                + " over its last axis)", PartConfig.layer("LayerNormalization").put("name", "ln").put("axis", 1));
        assertRefused("layer 'ln' (LayerNormalization): 'epsilon' is 0.0; allowed: a number > 0",
                PartConfig.layer("LayerNormalization").put("name", "ln").put("epsilon", 0.0));
        assertRefused("layer 'ln' (LayerNormalization): 'epsilon' is \"small\"; allowed: a number > 0",
                PartConfig.layer("LayerNormalization").put("name", "ln").put("epsilon", "small"));
        assertRefused("layer 'ln' (LayerNormalization): 'center' is 1; allowed: true or false",
                PartConfig.layer("LayerNormalization").put("name", "ln").put("center", 1));
        assertRefused("layer 'ln' (LayerNormalization): unknown key 'rms_scaling'; LayerNormalization takes [name, axis, epsilon, center,"
                + " scale]", PartConfig.layer("LayerNormalization").put("name", "ln").put("rms_scaling", false));
    }

    private static void assertRefused(String message, PartConfig.Builder config) {
        assertEquals(message, assertThrows(PartConfigException.class, () -> REGISTRY.create(config.build())).getMessage());
    }

    @Test
    void inputsOfTheWrongKindAreRefusedWhenTheModelIsBuilt() {
        var error = assertThrows(IllegalArgumentException.class, () -> GlobalPooling1D.average("gap")
                .build(new ValueSpec(ValueSpec.FEATURES, 4), ParameterSource.initial(new Rng(1))));
        assertEquals("layer 'gap' (GlobalAveragePooling1D) takes sequences of vectors but the layer before it gives one vector per"
                + " example", error.getMessage());
        var ids = assertThrows(IllegalArgumentException.class, () -> new LayerNormalization("ln")
                .build(new ValueSpec(ValueSpec.TOKEN_IDS, 4), ParameterSource.initial(new Rng(1))));
        assertEquals("layer 'ln' (LayerNormalization) takes one vector per example or sequences of vectors but the layer before it"
                + " gives token ids", ids.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LayerNormalization(0, true, true, "ln"));
    }

    /**
     * Keras' go_backwards with return_sequences on a standalone layer: the outputs come in reading
     * order, so position i of a sequence holds h after its last i + 1 tokens; the last position is
     * the final state, and the first is what the layer gives for the last token alone.
     */
    @Test
    void standaloneBackwardSequencesComeOutInReadingOrder() {
        Embedding embedding = new Embedding(10, 4, true, "embedding");
        embedding.build(0, new Rng(5));
        int[][] ids = {{1, 2, 3}, {}, {5}, {9, 8, 7, 6}};
        SequenceBatch tokens = (SequenceBatch) embedding.forward(TokenBatch.ofRows(ids), OPS);
        for (Recurrent sequences : List.<Recurrent>of(new Lstm(3, true, true, "lstm"),
                new CellRnn(CellRnn.Kind.GRU, 3, true, true, "gru"), new CellRnn(CellRnn.Kind.SIMPLE_RNN, 3, true, true, "rnn"))) {
            sequences.build(new ValueSpec(ValueSpec.SEQUENCES, 4, true), ParameterSource.initial(new Rng(7)));
            float[] all = ((SequenceBatch) sequences.forward(tokens, OPS)).values().data();
            float[] atTokens = sequences.run(tokens, OPS).data(); // Bidirectional's layout: each h at its token
            for (int s = 0, offset = 0; s < ids.length; offset += ids[s].length, s++) {
                if (ids[s].length == 0) {
                    continue;
                }
                for (int i = 0; i < ids[s].length; i++) {
                    int mirrored = offset + ids[s].length - 1 - i;
                    assertArrayEquals(java.util.Arrays.copyOfRange(atTokens, mirrored * 3, mirrored * 3 + 3),
                            java.util.Arrays.copyOfRange(all, (offset + i) * 3, (offset + i) * 3 + 3), sequences.name());
                }
                SequenceBatch lastToken = (SequenceBatch) embedding.forward(
                        TokenBatch.ofRows(new int[][] {{ids[s][ids[s].length - 1]}}), OPS);
                float[] first = ((SequenceBatch) sequences.forward(lastToken, OPS)).values().data();
                assertArrayEquals(first, java.util.Arrays.copyOfRange(all, offset * 3, offset * 3 + 3), 1e-6f,
                        sequences.name() + " sequence " + s);
            }
        }
    }
}
