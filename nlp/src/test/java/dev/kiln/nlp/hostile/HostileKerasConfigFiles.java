package dev.kiln.nlp.hostile;

import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.checkpoint.keras.KerasConfigException;
import dev.kiln.checkpoint.keras.KerasImport;
import dev.kiln.checkpoint.keras.KerasInput;
import dev.kiln.checkpoint.keras.KerasLayers;
import dev.kiln.checkpoint.keras.KerasModelConfig;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.json.JsonWriter;
import dev.kiln.engine.layer.FeatureBatch;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerValue;
import dev.kiln.engine.layer.SequenceBatch;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.loss.MeanError;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.tensor.Tensor;
import dev.kiln.engine.testing.SharedFiles;
import dev.kiln.engine.testing.TempFolder;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.Texts;
import dev.kiln.nlp.demo.SeedModel;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Hostile Keras model configs: the Keras-written configs of the tests (the seed, stacked and CNN
 * models in Keras 3, tf.keras 2 and Keras 2.1 form, and the shared emoji model) edited in their
 * JSON (numbers, strings, keys, nesting, lists) and read with nlp's tables. Each must either
 * become a model that builds (within a weight budget) and predicts, or be refused with a
 * KerasConfigException naming the file; never another exception, a hang, or an allocation past
 * the bound while reading and building (the JSON's 48 bytes per byte, the weights, 16 MiB). Runs in the small-heap
 * execution of the hostile files (nlp/pom.xml).
 */
class HostileKerasConfigFiles {
    private static final KerasLayers LAYERS = SeedModel.kerasLayers();
    private static final long MAX_PARAMETERS = 1 << 20;
    /** Bytes a build may allocate per weight: the float, an initializer's double-precision working copy, slack. */
    private static final long BYTES_PER_WEIGHT = 16;
    private static final HostileTally TALLY = new HostileTally("HostileKerasConfigFiles: %d edited configs, %d built and predicted,"
            + " %d refused by name");

    private static List<Path> sources() {
        List<Path> sources = new ArrayList<>();
        for (String name : List.of("seed-keras3.json", "seed-keras2.json", "stacked-keras3.json", "stacked-keras2.json")) {
            sources.add(Path.of("src/test/resources/keras-configs", name));
        }
        for (String name : List.of("cnn-keras3.json", "cnn-keras2.json", "cnn-keras2.1.json")) {
            sources.add(Path.of("../checkpoint/src/test/resources/keras-configs", name));
        }
        sources.add(SharedFiles.path("keras-files/emoji-lstm2.model.json"));
        return sources;
    }

    @AfterContainer
    static void close() {
        TALLY.close();
    }

    @Property
    void editedKerasConfigsBuildAndPredictOrAreRefusedByName(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        List<Path> sources = sources();
        Path source = sources.get(random.nextInt(sources.size()));
        List<Object> root = new ArrayList<>(List.of(JsonReader.parse(Files.readString(source), source.toString())));
        List<String> edits = new ArrayList<>(List.of(source.getFileName().toString()));
        for (int e = 1 + random.nextInt(3); e > 0 && !root.isEmpty(); e--) { // an edit may remove the whole document
            edits.add(JsonEdits.edit(root, random));
        }
        String json;
        try {
            json = root.isEmpty() ? "" : JsonWriter.writeLine(root.getFirst());
        } catch (IllegalArgumentException e) {
            return; // an edit JSON cannot hold (an Infinity)
        }
        try (TempFolder folder = TempFolder.create("kiln-hostile-keras")) {
            Path file = folder.path().resolve("hostile-" + Long.toHexString(seed) + ".json");
            Files.writeString(file, json, StandardCharsets.UTF_8);
            long bound = LoadLimits.heapBound(MAX_PARAMETERS * BYTES_PER_WEIGHT / 2, json.length());
            String log = String.join("; ", edits);
            KerasImport[] imported = new KerasImport[1];
            ValueSpec[] output = new ValueSpec[1];
            boolean built = HostileLoad.check(file, bound, log, KerasConfigException.class, () -> {
                imported[0] = KerasModelConfig.read(file, LAYERS);
                output[0] = build(imported[0]);
            });
            if (built) {
                assertPredicts(imported[0], output[0], log);
            }
            TALLY.count(built);
        }
    }

    /**
     * A run with 60,000 tries found this edit: the stacked model's TextVectorization switched to
     * tf_idf, which is a valid Keras config (it then builds and predicts, or is refused by name).
     * {@link #build} had set its vocabulary without the idf weights that mode requires, so the
     * test, not the loader, failed.
     */
    @Example
    void aConfigSwitchedToTfIdfBuildsAndPredictsOrIsRefusedByName() throws IOException {
        editedKerasConfigsBuildAndPredictOrAreRefusedByName(411004L);
    }

    /**
     * Gives a TextVectorization without a vocabulary a small one, with idf weights in tf_idf mode
     * (as adapt would), and builds within the budget.
     */
    private static ValueSpec build(KerasImport imported) throws KerasConfigException {
        if (imported.model().layers().getFirst() instanceof TextVectorization encoder && !encoder.isBuilt()) {
            Object maxTokens = encoder.config().values().get("max_tokens");
            int room = maxTokens instanceof Integer max && max > 0 ? Math.min(3, max - 2) : 3;
            List<String> tokens = List.of("w1", "w2", "w3").subList(0, room);
            float[] idfWeights = null;
            if (encoder.outputMode() == TextVectorization.OutputMode.TF_IDF) {
                idfWeights = new float[room];
                Arrays.fill(idfWeights, 1f);
            }
            encoder.setVocabulary(tokens, idfWeights);
        }
        return imported.build(new Rng(1), MAX_PARAMETERS);
    }

    /** A model that builds predicts three examples of what it takes. */
    private static void assertPredicts(KerasImport imported, ValueSpec output, String edits) {
        if (!ValueSpec.FEATURES.equals(output.kind())) {
            return; // Keras' model outputs sequences; Kiln's predict and losses take one vector per example
        }
        imported.model().compile(MeanError.squared(), List.of(), TALLY.engine());
        float[] outputs = imported.model().predict(inputFor(imported)).data();
        assertEquals(3 * output.width(), outputs.length, edits);
    }

    /** Three examples of what the model takes. */
    private static LayerValue inputFor(KerasImport imported) {
        Layer first = imported.model().layers().getFirst();
        KerasInput input = imported.input();
        return switch (input.kind()) {
            case TEXTS -> Texts.of("w1 w2 unknownword", "", "w3 ".repeat(300));
            case TOKEN_IDS -> {
                int ids = first.parameters().getFirst().shape().dim(0);
                yield TokenBatch.ofRows(new int[][] {{0, ids - 1, ids / 2}, {}, {1 % ids, 0}});
            }
            case VECTORS -> new FeatureBatch(Variable.constant(Tensor.zeros(3, input.buildWidth())));
            default -> new SequenceBatch(Variable.constant(Tensor.zeros(4, input.buildWidth())), new int[] {3, 0, 1},
                    new int[] {0, 3, 3});
        };
    }
}
