package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.part.PartConfigException;
import dev.kiln.engine.part.PartRegistry;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MaxPooling1D and Flatten: configs with Keras' keys and defaults through the registry, configs
 * refused by name, the mask refused as Keras refuses it (at build and at forward), Flatten's
 * need for a fixed length, and the CNN head's shapes and parameter counts in the summary.
 */
class MaxPoolingFlattenTest {
    private static final Ops OPS = new Ops(Kernels.preferred(ComputePool.singleThreaded()), Tape.inference());
    private static final PartRegistry<Layer> REGISTRY = LayerRegistry.withEngineLayers();

    @Test
    void configsRoundTripThroughTheRegistryWithKerasKeys() {
        PartConfig pool = new MaxPooling1D(3, 2, true, "max_pooling1d").config();
        assertEquals(List.of("name", "pool_size", "padding", "strides", "data_format"), List.copyOf(pool.values().keySet()));
        assertEquals(List.of(3), pool.values().get("pool_size"));
        assertEquals(List.of(2), pool.values().get("strides"));
        assertEquals(pool, REGISTRY.create(pool).config());
        PartConfig flatten = new Flatten("flatten").config();
        assertEquals(PartConfig.layer("Flatten").put("name", "flatten").put("data_format", "channels_last").build(), flatten);
        assertEquals(flatten, REGISTRY.create(flatten).config());
    }

    /** Keras: pool_size 2, strides None (= pool_size), "valid"; Keras writes sizes as one-element lists, people as integers. */
    @Test
    void maxPoolingTakesKerasDefaultsAndIntegers() {
        assertEquals(new MaxPooling1D(2, "p").config(), REGISTRY.create(PartConfig.layer("MaxPooling1D").put("name", "p").build()).config());
        PartConfig integers = PartConfig.layer("MaxPooling1D").put("name", "p").put("pool_size", 4).put("strides", 1)
                .put("padding", "same").build();
        assertEquals(new MaxPooling1D(4, 1, true, "p").config(), REGISTRY.create(integers).config());
        PartConfig poolOnly = PartConfig.layer("MaxPooling1D").put("name", "p").put("pool_size", List.of(3)).build();
        assertEquals(List.of(3), REGISTRY.create(poolOnly).config().values().get("strides"));
        PartConfig nullStrides = PartConfig.layer("MaxPooling1D").put("name", "p").put("pool_size", 3).put("strides", (String) null)
                .build();
        assertEquals(List.of(3), REGISTRY.create(nullStrides).config().values().get("strides"));
    }

    @Test
    void badConfigsAreRefusedNamingLayerKeyValueAndWhatIsAllowed() {
        assertRefused("layer 'p' (MaxPooling1D): 'padding' is \"causal\"; allowed: one of [valid, same]",
                pool().put("padding", "causal"));
        assertRefused("layer 'p' (MaxPooling1D): 'data_format' is \"channels_first\"; allowed: one of [channels_last]",
                pool().put("data_format", "channels_first"));
        assertRefused("layer 'p' (MaxPooling1D): 'pool_size' is 0; allowed: an integer from 1 to 65536 or a list of one",
                pool().put("pool_size", 0));
        assertRefused("layer 'p' (MaxPooling1D): 'pool_size' is [2, 2]; allowed: an integer from 1 to 65536 or a list of one",
                pool().put("pool_size", List.of(2, 2)));
        assertRefused("layer 'p' (MaxPooling1D): 'strides' is \"2\"; allowed: an integer from 1 to 65536 or a list of one",
                pool().put("strides", "2"));
        assertRefused("layer 'p' (MaxPooling1D): unknown key 'trainable'; MaxPooling1D takes [name, pool_size, padding, strides,"
                + " data_format]", pool().put("trainable", true));
        assertRefused("layer 'f' (Flatten): 'data_format' is \"channels_first\"; allowed: one of [channels_last]",
                PartConfig.layer("Flatten").put("name", "f").put("data_format", "channels_first"));
        assertRefused("layer 'f' (Flatten): unknown key 'dtype'; Flatten takes [name, data_format]",
                PartConfig.layer("Flatten").put("name", "f").put("dtype", "float32"));
    }

    private static PartConfig.Builder pool() {
        return PartConfig.layer("MaxPooling1D").put("name", "p");
    }

    private static void assertRefused(String message, PartConfig.Builder config) {
        PartConfigException error = assertThrows(PartConfigException.class, () -> REGISTRY.create(config.build()));
        assertEquals(message, error.getMessage());
    }

    /** Keras' MaxPooling1D and Flatten take no mask; the message is Conv1D's, naming the layer, when the model is built. */
    @Test
    void aMaskedInputIsRefusedAtBuildWithKerasReason() {
        for (Layer layer : List.of(new MaxPooling1D(2, "my_pool"), new Flatten("my_flatten"))) {
            Sequential model = new Sequential(List.of(new Embedding(20, 4, true, "embedding"), new Dense(3, Activation.TANH, "dense"),
                    layer));
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> model.build(ValueSpec.input(0, 6), ParameterSource.initial(new Rng(1))));
            assertEquals(maskMessage(layer), error.getMessage());
        }
    }

    @Test
    void aMaskedSequenceBatchIsRefusedAtForwardToo() {
        Embedding embedding = new Embedding(20, 4, true, "embedding");
        embedding.build(ValueSpec.input(0), ParameterSource.initial(new Rng(1)));
        LayerValue masked = embedding.forward(TokenBatch.ofPadded(new int[][] {{3, 4, 0}}), OPS);
        MaxPooling1D pool = new MaxPooling1D(2, "my_pool");
        pool.build(new ValueSpec(ValueSpec.SEQUENCES, 4), ParameterSource.initial(null));
        Flatten flatten = new Flatten("my_flatten");
        flatten.build(new ValueSpec(ValueSpec.SEQUENCES, 4, false, 3), ParameterSource.initial(null));
        for (Layer layer : List.<Layer>of(pool, flatten)) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> layer.forward(masked, OPS));
            assertEquals(maskMessage(layer), error.getMessage());
        }
    }

    private static String maskMessage(Layer layer) {
        String type = layer.config().type();
        return "layer '" + layer.name() + "' (" + type + ") does not support masking, but was passed an input with a mask"
                + " (from an Embedding with mask_zero=True or a layer that passes it on); use mask_zero=False before a "
                + type + ", as Keras requires";
    }

    @Test
    void flattenRefusesSequencesOfAnyLengthSayingWhatToDo() {
        Sequential model = new Sequential(List.of(new Embedding(20, 4, false, "embedding"), new Flatten("flatten"),
                new Dense(1, Activation.LINEAR, "dense")));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> model.build(0, new Rng(1)));
        assertEquals("layer 'flatten' (Flatten) needs sequences of one fixed length, so that each example's [steps, features]"
                + " becomes one vector of steps * features (the width the next layer is built for), but the layer before it"
                + " gives sequences of any length (Kiln keeps each text at its own length); give TextVectorization an"
                + " output_sequence_length, which pads or truncates every text to that many tokens (Keras' Flatten cannot"
                + " size a Dense after it without one either)", error.getMessage());
    }

    @Test
    void flattenRefusesABatchOfAnotherLengthThanItWasBuiltFor() {
        Sequential model = new Sequential(List.of(new Embedding(20, 4, false, "embedding"), new Flatten("flatten")));
        model.build(ValueSpec.input(0, 3), ParameterSource.initial(new Rng(1)));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> model.forward(TokenBatch.ofRows(new int[][] {{1, 2, 3}, {4, 5}}), OPS));
        assertEquals("layer 'flatten' (Flatten) was built for sequences of 3 steps, but sequence 1 of the batch has 2; every"
                + " example must be padded to the length the model was built for", error.getMessage());
    }

    @Test
    void flattenRefusesAWidthNoLayerCouldTake() {
        Flatten flatten = new Flatten("flatten");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> flatten.build(new ValueSpec(ValueSpec.SEQUENCES, 1 << 20, false, 1 << 16), ParameterSource.initial(null)));
        assertTrue(error.getMessage().startsWith("layer 'flatten' (Flatten): 65536 steps of 1048576 features flatten to"
                + " 68719476736 values"), error.getMessage());
    }

    @Test
    void flattenPassesOneVectorPerExampleUnchanged() {
        Flatten flatten = new Flatten("flatten");
        assertEquals(new ValueSpec(ValueSpec.FEATURES, 5), flatten.build(new ValueSpec(ValueSpec.FEATURES, 5),
                ParameterSource.initial(null)));
        FeatureBatch vectors = new FeatureBatch(Variable.constant(Tensor.zeros(2, 5)));
        assertSame(vectors, flatten.forward(vectors, OPS));
        assertEquals("(None, 5)", flatten.outputShape());
        SequenceBatch sequences = new SequenceBatch(Variable.constant(Tensor.zeros(2, 5)), new int[] {2}, new int[] {0});
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> flatten.forward(sequences, OPS));
        assertEquals("layer 'flatten' (Flatten) was built for one vector per example, but was given sequences", error.getMessage());
    }

    @Test
    void flattenLaysEachSequenceOutStepAfterStep() {
        Flatten flatten = new Flatten("flatten");
        flatten.build(new ValueSpec(ValueSpec.SEQUENCES, 2, false, 2), ParameterSource.initial(null));
        Variable values = Variable.constant(Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2));
        FeatureBatch flat = (FeatureBatch) flatten.forward(new SequenceBatch(values, new int[] {2, 2}, new int[] {0, 2}), OPS);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, flat.values().data());
        assertEquals(List.of(2, 4), List.of(flat.values().shape().dim(0), flat.values().shape().dim(1)));
    }

    /**
     * Keras for Input(shape=(12,)) -> Embedding(20, 8) -> Conv1D(6, 3) -> MaxPooling1D(2) -> Flatten -> Dense(1):
     * (None, 12, 8) 160, (None, 10, 6) 150, (None, 5, 6) 0, (None, 30) 0, (None, 1) 31; "same" with stride 2 over 10 steps: 5.
     */
    @Test
    void theSummaryShowsKerasShapesAndNoParametersForTheHead() {
        Sequential model = new Sequential(List.of(new Embedding(20, 8, false, "embedding"),
                new Conv1D(6, 3, 1, 1, false, Activation.RELU, "conv1d"), new MaxPooling1D(2, "max_pooling1d"),
                new Flatten("flatten"), new Dense(1, Activation.LINEAR, "dense")));
        model.build(ValueSpec.input(0, 12), ParameterSource.initial(new Rng(1)));
        String summary = model.summary();
        assertTrue(summary.contains(" max_pooling1d (MaxPooling1  (None, 5, 6)              0         \n"
                + " D)                                                              \n"), summary);
        assertTrue(summary.contains(" flatten (Flatten)           (None, 30)                0         \n"), summary);
        assertTrue(summary.contains(" dense (Dense)               (None, 1)                 31        \n"), summary);
        assertTrue(summary.contains("Total params: 341\n"), summary);

        MaxPooling1D same = new MaxPooling1D(3, 2, true, "same");
        assertEquals(new ValueSpec(ValueSpec.SEQUENCES, 6, false, 5), same.build(new ValueSpec(ValueSpec.SEQUENCES, 6, false, 10),
                ParameterSource.initial(null)));
        assertEquals("(None, 5, 6)", same.outputShape());
    }
}
