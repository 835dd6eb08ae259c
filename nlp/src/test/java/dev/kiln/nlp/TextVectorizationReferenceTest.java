package dev.kiln.nlp;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.layer.FeatureBatch;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * TextVectorization against {@code reference/text_vectorization.json}: Keras 3's formulas for
 * every output mode, standardize and split, with n-grams, transcribed in NumPy by
 * {@code nlp/src/test/python/text_vectorization_reference.py}. Each case adapts a layer on the
 * same texts; the vocabulary (order included), the idf weights and every output must be exactly
 * the reference's, from {@link TextVectorization#encode}/{@link TextVectorization#vectorize}, from
 * the layer's forward pass and from a copy rebuilt from its config.
 */
class TextVectorizationReferenceTest {
    private static final Map<?, ?> FIXTURE = fixture();

    @TestFactory
    Stream<DynamicTest> everyCase() {
        return ((List<?>) FIXTURE.get("cases")).stream().map(c -> (Map<?, ?>) c)
                .map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> check(c)));
    }

    private static void check(Map<?, ?> c) {
        Map<?, ?> arguments = (Map<?, ?>) c.get("arguments");
        TextVectorization layer = layer(arguments);
        try (ComputePool pool = ComputePool.singleThreaded()) {
            layer.adapt(strings(FIXTURE.get("adapt_texts")), pool);
        }
        assertEquals(c.get("vocabulary"), layer.getVocabulary(), "vocabulary");
        if (c.get("idf_weights") != null) {
            assertArrayEquals(floats(c.get("idf_weights")), layer.getIdfWeights(), "idf weights");
        }
        TextVectorization copy = TextVectorization.fromConfig(layer.config());
        assertEquals(layer.config(), copy.config(), "config round trip");
        List<String> inputs = strings(FIXTURE.get("inputs"));
        List<?> outputs = (List<?>) c.get("outputs");
        for (int i = 0; i < inputs.size(); i++) {
            String text = inputs.get(i);
            if (layer.outputMode() == TextVectorization.OutputMode.INT) {
                int[] expected = ((List<?>) outputs.get(i)).stream().mapToInt(n -> (Integer) n).toArray();
                assertArrayEquals(expected, layer.encode(text), "ids of '" + text + "'");
                assertArrayEquals(expected, copy.encode(text), "ids of '" + text + "', rebuilt layer");
            } else {
                float[] expected = floats(outputs.get(i));
                assertArrayEquals(expected, layer.vectorize(text), "row of '" + text + "'");
                assertArrayEquals(expected, copy.vectorize(text), "row of '" + text + "', rebuilt layer");
            }
        }
        if (layer.outputMode() != TextVectorization.OutputMode.INT) {
            checkForwardPass(layer, inputs, outputs);
        }
    }

    /** The layer in a model: one [batch, width] FeatureBatch whose rows are the reference's. */
    private static void checkForwardPass(TextVectorization layer, List<String> inputs, List<?> outputs) {
        int width = floats(outputs.getFirst()).length;
        ValueSpec spec = layer.build(ValueSpec.input(0), ParameterSource.initial(new Rng(1)));
        assertEquals(new ValueSpec(ValueSpec.FEATURES, width), spec, "what the layer outputs");
        assertEquals("(None, " + width + ")", layer.outputShape());
        try (ComputePool pool = ComputePool.singleThreaded()) {
            FeatureBatch batch = (FeatureBatch) layer.forward(new Texts(inputs), new Ops(Kernels.preferred(pool), Tape.recording()));
            float[] values = batch.values().data();
            for (int i = 0; i < inputs.size(); i++) {
                assertArrayEquals(floats(outputs.get(i)), Arrays.copyOfRange(values, i * width, (i + 1) * width),
                        "row " + i + " of the forward pass");
            }
        }
    }

    private static TextVectorization layer(Map<?, ?> arguments) {
        Object ngrams = arguments.get("ngrams");
        int maxTokens = (Integer) arguments.get("max_tokens");
        int sequenceLength = (Integer) arguments.get("output_sequence_length");
        return TextVectorization.builder()
                .maxTokens(maxTokens == -1 ? null : maxTokens)
                .tokenizer(Tokenizer.of(Tokenizer.Standardize.valueOf(upper(arguments.get("standardize"))),
                        Tokenizer.Split.valueOf(upper(arguments.get("split")))))
                .ngrams(ngrams instanceof List<?> widths ? Ngrams.of(widths.stream().mapToInt(w -> (Integer) w).toArray())
                        : (Integer) ngrams == -1 ? Ngrams.none() : Ngrams.upTo((Integer) ngrams))
                .outputMode(TextVectorization.OutputMode.fromKerasName((String) arguments.get("output_mode")))
                .outputSequenceLength(sequenceLength == -1 ? null : sequenceLength)
                .padToMaxTokens((Boolean) arguments.get("pad_to_max_tokens"))
                .build();
    }

    private static String upper(Object name) {
        return ((String) name).toUpperCase(Locale.ROOT);
    }

    private static List<String> strings(Object json) {
        return ((List<?>) json).stream().map(s -> (String) s).toList();
    }

    /** Float32 values written as doubles: each must be exactly a float. */
    private static float[] floats(Object json) {
        List<?> list = (List<?>) json;
        float[] values = new float[list.size()];
        for (int i = 0; i < values.length; i++) {
            double value = ((Number) list.get(i)).doubleValue();
            values[i] = (float) value;
            if (values[i] != value) {
                throw new IllegalStateException("reference value " + value + " is not a float32 value");
            }
        }
        return values;
    }

    private static Map<?, ?> fixture() {
        try (InputStream in = TextVectorizationReferenceTest.class.getResourceAsStream("/reference/text_vectorization.json")) {
            return (Map<?, ?>) JsonReader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "text_vectorization.json");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
