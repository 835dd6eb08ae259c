package dev.kiln.nlp.hostile;

import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.checkpoint.model.SafetensorsExchange;
import dev.kiln.engine.json.JsonReader;
import dev.kiln.engine.json.JsonWriter;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.testing.TempFolder;
import dev.kiln.nlp.Texts;
import dev.kiln.nlp.demo.SeedModel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Hostile safetensors files for {@code import --safetensors}: the exported weights of the seed
 * model, the stacked one and the two that hold the rest of the sequence layers
 * ({@link SavedSeedModels}), each imported into its own model, with the header JSON edited (names, dtypes, shapes, data_offsets, __metadata__), the header
 * length rewritten, bytes flipped anywhere, the file cut or extended. Each import either writes a
 * model that loads and predicts, or is refused with a CheckpointFormatException naming the file
 * and the field, within the same memory bound as every other loader.
 */
class HostileSafetensorsFiles {
    private static final AtomicInteger IMPORTED = new AtomicInteger();
    private static final AtomicInteger REFUSED = new AtomicInteger();
    private static final List<String> SOURCES = List.of("best", "stacked", "recurrent", "convolutional");
    /** The templates, their exports and each try's files; deleted after the class. */
    private static TempFolder folder;
    private static List<Template> templates;

    /** A saved model and its weights as {@code export --safetensors} writes them. */
    private record Template(Path model, byte[] exported) {}

    private static synchronized List<Template> prepare() throws IOException {
        if (templates == null) {
            folder = TempFolder.create("kiln-hostile");
            List<Template> made = new ArrayList<>();
            for (String source : SOURCES) {
                Path model = Files.write(folder.path().resolve(source + ".kiln"), SavedSeedModels.get().files.get(source));
                Path out = folder.path().resolve(source + ".safetensors");
                SafetensorsExchange.export(model, out, new AtomicFileWriter(false));
                made.add(new Template(model, Files.readAllBytes(out)));
            }
            templates = List.copyOf(made);
        }
        return templates;
    }

    @net.jqwik.api.lifecycle.AfterContainer
    static synchronized void report() throws IOException {
        System.out.printf("HostileSafetensorsFiles: %d hostile files, %d imported, loaded and predicted, %d refused by name%n",
                IMPORTED.get() + REFUSED.get(), IMPORTED.get(), REFUSED.get());
        if (folder != null) {
            folder.close();
            folder = null;
            templates = null;
        }
    }

    @Property
    void editedSafetensorsImportIntoAModelThatPredictsOrAreRefusedByName(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        int source = random.nextInt(SOURCES.size());
        Template template = prepare().get(source);
        List<String> edits = new ArrayList<>(List.of(SOURCES.get(source)));
        byte[] bytes = template.exported().clone();
        for (int e = 0, count = 1 + random.nextInt(3); e < count; e++) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                Edited edited = editHeader(bytes, random);
                edits.add(edited.description());
                bytes = edited.bytes();
            } else if (kind < 8) {
                int at = random.nextInt(bytes.length);
                bytes[at] ^= (byte) (1 << random.nextInt(8));
                edits.add("flip a bit of byte " + at);
            } else if (kind < 9) {
                long length = switch (random.nextInt(4)) {
                    case 0 -> random.nextLong();
                    case 1 -> bytes.length;
                    case 2 -> random.nextInt(bytes.length);
                    default -> -1L;
                };
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
                edits.add("header length := " + Long.toUnsignedString(length));
            } else {
                int length = random.nextBoolean() ? random.nextInt(bytes.length) : bytes.length + 1 + random.nextInt(100);
                bytes = Arrays.copyOf(bytes, length);
                edits.add("resize to " + length);
            }
        }
        Path file = folder.path().resolve("hostile-" + Long.toHexString(seed) + ".safetensors");
        Path out = folder.path().resolve("imported-" + Long.toHexString(seed) + ".kiln");
        Files.write(file, bytes);
        try {
            long templateSize = Files.size(template.model());
            long bound = LoadLimits.heapBound(bytes.length + templateSize, Math.min(bytes.length, LoadLimits.MAX_METADATA_BYTES) + templateSize);
            String log = String.join("; ", edits);
            boolean imported = HostileLoad.check(file, bound, log,
                    () -> SafetensorsExchange.importWeights(file, template.model(), out, new AtomicFileWriter(false)));
            if (imported) {
                assertPredicts(out, log);
            }
            (imported ? IMPORTED : REFUSED).incrementAndGet();
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(out);
        }
    }

    private static void assertPredicts(Path model, String edits) throws IOException {
        Sequential loaded = ModelFile.load(model, SeedModel.parts()).model();
        try (ComputePool pool = ComputePool.singleThreaded()) {
            loaded.compile(new Adam(1e-3f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            assertEquals(2, loaded.predict(Texts.of("w1 w2 wörd7", "")).data().length, edits);
        }
    }

    /** A file after an edit, and what the edit did. */
    private record Edited(byte[] bytes, String description) {}

    /** Edits the header JSON (when it still parses) and rebuilds the file around it, the data unchanged. */
    private static Edited editHeader(byte[] bytes, Random random) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long length = bytes.length >= 8 ? in.getLong(0) : -1;
        if (length < 2 || length > bytes.length - 8) {
            return new Edited(bytes, "header unreadable");
        }
        Object header;
        try {
            header = JsonReader.parse(new String(bytes, 8, (int) length, StandardCharsets.UTF_8).strip(), "header");
        } catch (IllegalArgumentException e) {
            return new Edited(bytes, "header unparseable");
        }
        List<Object> root = new ArrayList<>();
        root.add(header);
        String edit = JsonEdits.edit(root, random);
        byte[] json;
        try {
            json = (root.isEmpty() ? "" : JsonWriter.write(root.get(0))).getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Edited(bytes, "unwritable edit");
        }
        byte[] data = Arrays.copyOfRange(bytes, 8 + (int) length, bytes.length);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json).put(data);
        return new Edited(out.array(), edit);
    }
}
