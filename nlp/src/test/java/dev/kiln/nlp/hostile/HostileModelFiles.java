package dev.kiln.nlp.hostile;

import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.json.JsonWriter;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.layer.FeatureBatch;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.model.ModelParts;
import dev.kiln.engine.layer.LayerValue;
import dev.kiln.engine.layer.SequenceBatch;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.tensor.Tensor;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.testing.TempFolder;
import dev.kiln.nlp.Texts;
import dev.kiln.nlp.demo.SeedModel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Hostile model files: real saved models (the seed model's best model, backup and weights only, a
 * tf_idf bag-of-words model, the stacked model and two models holding the other sequence layers:
 * {@link SavedSeedModels}) edited in their metadata (numbers, strings, keys, nesting, lists, the
 * vocabulary, the raw text) and in their tensor table and data, then re-sealed (every CRC, offset and the footer made consistent, as
 * anyone crafting a file would). Each must either load and predict, or be refused with a
 * CheckpointFormatException naming the file and the field; never another exception, a hang, or
 * an allocation past {@link LoadLimits#heapBound}. This class runs in its own surefire execution
 * with a small heap (nlp/pom.xml); its number of tries is jqwik's default there, set by
 * kiln.hostile.tries (the README gives the long run).
 */
class HostileModelFiles {
    private static final ModelParts REGISTRY = SeedModel.parts();
    private static final List<String> SOURCES = List.of("best", "backup", "weights", "bag_of_words", "stacked", "recurrent",
            "convolutional");
    private static final HostileTally TALLY = new HostileTally("HostileModelFiles: %d re-sealed hostile files, %d loaded and predicted,"
            + " %d refused by name");

    @AfterContainer
    static void close() {
        TALLY.close();
    }

    @Property
    void editedAndResealedFilesLoadAndPredictOrAreRefusedByName(@ForAll long seed) throws IOException {
        SavedSeedModels saved = SavedSeedModels.get();
        Random random = new Random(seed);
        String source = SOURCES.get(random.nextInt(SOURCES.size()));
        KilnFileEditor editor = new KilnFileEditor(saved.files.get(source));
        List<String> edits = new ArrayList<>(List.of(source));
        int count = 1 + random.nextInt(3);
        for (int e = 0; e < count; e++) {
            int target = random.nextInt(10);
            if (target < 6) {
                edits.add(editMetadata(editor, random));
            } else if (target < 9) {
                edits.add(TableEdits.edit(editor, random));
            } else {
                edits.add(editMetadataText(editor, random));
            }
        }
        byte[] bytes = editor.seal();
        try (TempFolder folder = TempFolder.create("kiln-hostile")) {
            Path file = folder.path().resolve("hostile-" + Long.toHexString(seed) + ".kiln");
            Files.write(file, bytes);
            long bound = LoadLimits.heapBound(bytes.length, editor.metadata.length);
            String log = String.join("; ", edits);
            boolean loaded = HostileLoad.check(file, bound, log, () -> load(file));
            if (loaded) {
                assertPredicts(file, log);
            }
            TALLY.count(loaded);
        }
    }

    /** What a program does with a file: load the model and read the sections it carries. */
    private static ModelFile.Loaded load(Path file) throws IOException {
        return ModelFile.load(file, REGISTRY); // the checkpoint record and training state are read and checked with it
    }

    /** A file that loads makes a model that predicts, on any text. */
    private static void assertPredicts(Path file, String edits) throws IOException {
        ModelFile.Loaded loaded = load(file);
        Sequential model = loaded.model();
        if (loaded.loss().isPresent()) {
            loaded.compile(TALLY.engine()); // as saved, with or without an optimizer
        } else {
            model.compile(new Adam(1e-3f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), TALLY.engine());
        }
        float[] logits = model.predict(inputFor(model.layers().get(0))).data();
        assertEquals(3, logits.length, edits);
    }

    /** Three examples of what the model's first layer takes (an edit may have removed the TextVectorization). */
    private static LayerValue inputFor(Layer first) {
        return switch (first.config().type()) {
            case "TextVectorization" -> Texts.of("w1 w2 wörd7 unknownword", "", "字11 " + "w3 ".repeat(300));
            case "Embedding" -> {
                int ids = first.parameters().get(0).shape().dim(0);
                yield TokenBatch.ofRows(new int[][] {{0, ids - 1, ids / 2}, {}, {1 % ids, 0}});
            }
            default -> {
                int width = first.parameters().get(0).shape().dim(0);
                Tensor values = Tensor.zeros(4, width);
                java.util.Arrays.fill(values.data(), 0.5f);
                yield first.config().type().equals("Dense") ? new FeatureBatch(Variable.constant(Tensor.zeros(3, width)))
                        : new SequenceBatch(Variable.constant(values), new int[] {3, 0, 1}, new int[] {0, 3, 3});
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static String editMetadata(KilnFileEditor editor, Random random) {
        Object document;
        try {
            document = JsonReader.parse(editor.metadataText(), "edited metadata");
        } catch (IllegalArgumentException e) {
            return "metadata already unparseable";
        }
        List<Object> root = new ArrayList<>();
        root.add(document); // a holder, so the edit can replace the whole document
        String edit = JsonEdits.edit(root, random);
        try {
            editor.metadata = (root.isEmpty() ? "" : JsonWriter.write(root.get(0))).getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "unwritable edit (" + e.getMessage() + ")"; // e.g. an Infinity parsed from an edited exponent
        }
        return edit;
    }

    /** Raw edits of the metadata bytes: flips, insertions, deletions, truncation (then re-sealed). */
    private static String editMetadataText(KilnFileEditor editor, Random random) {
        byte[] text = editor.metadata;
        if (text.length == 0) {
            return "empty metadata";
        }
        int at = random.nextInt(text.length);
        switch (random.nextInt(4)) {
            case 0 -> {
                text[at] ^= (byte) (1 << random.nextInt(8));
                return "flip a bit of metadata byte " + at;
            }
            case 1 -> {
                byte[] longer = new byte[text.length + 1];
                System.arraycopy(text, 0, longer, 0, at);
                longer[at] = (byte) "{}[],:\"\\0123456789-eE.ntf \u00ff".charAt(random.nextInt(26));
                System.arraycopy(text, at, longer, at + 1, text.length - at);
                editor.metadata = longer;
                return "insert a byte at " + at;
            }
            case 2 -> {
                byte[] shorter = new byte[text.length - 1];
                System.arraycopy(text, 0, shorter, 0, at);
                System.arraycopy(text, at + 1, shorter, at, text.length - at - 1);
                editor.metadata = shorter;
                return "delete metadata byte " + at;
            }
            default -> {
                editor.metadata = java.util.Arrays.copyOf(text, at);
                return "truncate the metadata to " + at + " bytes";
            }
        }
    }
}
