package dev.kiln.nlp.hostile;

import dev.kiln.checkpoint.hdf5.Hdf5Dataset;
import dev.kiln.checkpoint.hdf5.Hdf5File;
import dev.kiln.checkpoint.hdf5.Hdf5Group;
import dev.kiln.checkpoint.hdf5.Hdf5Object;
import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.checkpoint.keras.KerasModelFile;
import dev.kiln.engine.testing.SharedFiles;
import dev.kiln.engine.testing.TempFolder;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile Keras files through {@code KerasModelFile.load}: {@code .keras} archives (a zip of
 * config.json, metadata.json and model.weights.h5; the synthetic ones of the checkpoint module, and
 * one whose weights are chunked with gzip and shuffle in HDF5's latest layout) and Keras 2 HDF5
 * full models, edited: the HDF5 inside (HostileHdf5Files' edits, re-sealed) or config.json, then
 * zipped again with correct CRCs (re-sealed); raw bytes of the zip (CRCs then wrong); sizes that
 * lie in the local or central headers; duplicate names; zip bombs (an entry of zeros deflated a
 * thousand to one, with its true size or a lying one); extra entries; cuts. Each must load or be
 * refused with a CheckpointFormatException or KerasConfigException naming the file (or its entry),
 * within the time limit and the heap bound: never another exception, a hang, an OutOfMemoryError.
 * Runs in the hostile-files execution (a 256 MiB heap; nlp/pom.xml).
 */
class HostileKerasFiles {
    private static final String[] ARCHIVES = {"../checkpoint/src/test/resources/keras-files/bilstm-synthetic-k3.keras",
        "../checkpoint/src/test/resources/keras-files/gru-rnn-layernorm-synthetic-k3.keras",
        "../checkpoint/src/test/resources/hdf5/gru-rnn-layernorm-latest-gzip-k3.keras"};
    private static final String[] HDF5_MODELS = {"../checkpoint/src/test/resources/keras-files/bilstm-synthetic-k2.h5"};
    private static final String WEIGHTS = "model.weights.h5";
    private static final String CONFIG = "config.json";
    private static final HostileTally TALLY = new HostileTally("HostileKerasFiles: %d hostile Keras files, %d loaded, %d refused by name");
    private static TempFolder folder;
    private static List<Archive> archives;
    private static List<HostileHdf5Files.Source> models;
    private static byte[] bomb;

    /** A zip entry: its name, how it is stored, its bytes. */
    private record Entry(String name, int method, byte[] bytes) {}

    /** An archive's entries, and its weights as a source of HDF5 edits. */
    private record Archive(String name, List<Entry> entries, HostileHdf5Files.Source weights) {}

    private static synchronized void setUp() throws IOException {
        if (archives != null) {
            return;
        }
        folder = TempFolder.create("kiln-hostile-keras");
        archives = new ArrayList<>();
        for (String name : ARCHIVES) {
            List<Entry> entries = new ArrayList<>();
            byte[] weights = null;
            try (ZipFile zip = new ZipFile(name)) {
                for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements(); ) {
                    ZipEntry entry = all.nextElement();
                    try (InputStream in = zip.getInputStream(entry)) {
                        byte[] bytes = in.readAllBytes();
                        entries.add(new Entry(entry.getName(), entry.getMethod(), bytes));
                        weights = entry.getName().equals(WEIGHTS) ? bytes : weights;
                    }
                }
            }
            archives.add(new Archive(Path.of(name).getFileName().toString(), entries, HostileHdf5Files.Source.of(weights)));
        }
        models = new ArrayList<>();
        for (String name : HDF5_MODELS) {
            models.add(HostileHdf5Files.Source.of(Files.readAllBytes(Path.of(name))));
        }
        models.add(HostileHdf5Files.Source.of(Files.readAllBytes(SharedFiles.path("keras-files/mlp-k2.h5"))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(9, true);
        byte[] zeros = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        for (int i = 0; i < 16; i++) { // 16 MiB of zeros: about 16 KB deflated
            deflater.setInput(zeros);
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        bomb = out.toByteArray();
    }

    @AfterContainer
    static synchronized void close() throws IOException {
        TALLY.close();
        if (folder != null) {
            folder.close();
            folder = null;
            archives = null;
        }
    }

    @Example
    void theSourcesLoad() throws IOException {
        setUp();
        for (Archive archive : archives) {
            assertTrue(check(zip(archive.entries()), "none", ".keras"), archive.name());
        }
        for (HostileHdf5Files.Source model : models) {
            assertTrue(check(model.bytes(), "none", ".h5"));
        }
    }

    @Property
    void editedKerasFilesLoadOrAreRefusedByName(@ForAll long seed) throws IOException {
        setUp();
        Random random = new Random(seed);
        List<String> edits = new ArrayList<>();
        if (random.nextInt(5) == 0) {
            HostileHdf5Files.Source model = models.get(random.nextInt(models.size()));
            byte[] bytes = HostileHdf5Files.edited(random, model, edits);
            check(bytes, String.join("; ", edits), ".h5");
            return;
        }
        Archive archive = archives.get(random.nextInt(archives.size()));
        edits.add(archive.name());
        List<Entry> entries = new ArrayList<>(archive.entries());
        byte[] zip;
        int kind = random.nextInt(10);
        if (kind < 4) {
            byte[] weights = HostileHdf5Files.edited(random, archive.weights(), edits);
            replace(entries, new Entry(WEIGHTS, method(entries, WEIGHTS), weights));
            zip = zip(entries);
            edits.add("model.weights.h5 edited, zip re-sealed");
        } else if (kind < 5) {
            byte[] config = entry(entries, CONFIG).bytes().clone();
            for (int e = 0, count = 1 + random.nextInt(3); e < count; e++) {
                int at = random.nextInt(config.length);
                config[at] = random.nextBoolean() ? (byte) (config[at] ^ 1 << random.nextInt(8)) : (byte) "{}[],:\"0123456789e-.tfn x"
                        .charAt(random.nextInt(25));
                edits.add("config.json byte " + at + " set to " + (config[at] & 0xFF));
            }
            replace(entries, new Entry(CONFIG, method(entries, CONFIG), config));
            zip = zip(entries);
            edits.add("zip re-sealed");
        } else if (kind < 6) {
            zip = zip(entries);
            for (int e = 0, count = 1 + random.nextInt(3); e < count; e++) {
                int at = random.nextInt(zip.length);
                zip[at] ^= (byte) (1 << random.nextInt(8));
                edits.add("flip a bit of zip byte " + at);
            }
        } else if (kind < 7) {
            zip = zip(entries);
            lieAboutSizes(random, zip, edits);
        } else if (kind < 8) {
            String name = entries.get(random.nextInt(entries.size())).name();
            String alias = name.substring(0, name.length() - 1) + "\u0001"; // as long as the name, found nowhere else
            entries.add(new Entry(alias, ZipEntry.STORED, entry(entries, name).bytes()));
            zip = zip(entries);
            rename(zip, alias, name); // ZipOutputStream refuses duplicate names: the bytes are patched afterwards
            edits.add("a second entry named " + name);
        } else if (kind < 9) {
            String name = random.nextBoolean() ? WEIGHTS : random.nextBoolean() ? CONFIG : "extra.bin";
            entries.removeIf(entry -> entry.name().equals(name));
            zip = zip(entries);
            zip = withBomb(zip, name, random.nextBoolean() ? 16L << 20 : 1 + random.nextInt(1 << 16));
            edits.add("zip bomb " + name + " (16 MiB of zeros deflated), declared size as in the archive");
        } else {
            zip = zip(entries);
            switch (random.nextInt(3)) {
                case 0 -> {
                    int length = random.nextInt(zip.length);
                    zip = Arrays.copyOf(zip, length);
                    edits.add("cut to " + length);
                }
                case 1 -> {
                    entries.add(new Entry(new String[] {"../x", "model.weights.npz", "assets/a.txt", "/abs", "a\\b"}[random.nextInt(5)],
                            ZipEntry.DEFLATED, new byte[random.nextInt(100)]));
                    zip = zip(entries);
                    edits.add("an extra entry " + entries.getLast().name());
                }
                default -> {
                    zip = Arrays.copyOf(zip, zip.length + 1 + random.nextInt(100));
                    edits.add("garbage appended");
                }
            }
        }
        check(zip, String.join("; ", edits), ".keras");
    }

    /** Loads the file; true when it loaded, false when it was refused by name. */
    private static boolean check(byte[] bytes, String edits, String suffix) throws IOException {
        Path file = Files.write(Files.createTempFile(folder.path(), "hostile-", suffix), bytes);
        try {
            long bound = LoadLimits.heapBound(4L * bytes.length + 2 * decoded(bytes, suffix), 4L * bytes.length);
            boolean loaded = HostileLoad.check(file, bound, edits, IOException.class, () -> KerasModelFile.load(file));
            TALLY.count(loaded);
            return loaded;
        } finally {
            Files.delete(file);
        }
    }

    /** What the weights' chunked data decodes to (the HDF5 reader allows 100 times its file), 0 if it does not open. */
    private static long decoded(byte[] bytes, String suffix) {
        byte[] weights = bytes;
        if (suffix.equals(".keras")) {
            try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(bytes))) {
                weights = null;
                for (ZipEntry entry; (entry = in.getNextEntry()) != null && weights == null; ) {
                    if (entry.getName().equals(WEIGHTS)) {
                        weights = in.readNBytes(bytes.length * 2);
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                return 0;
            }
        }
        if (weights == null) {
            return 0;
        }
        try {
            return chunked(Hdf5File.read(ByteBuffer.wrap(weights), "weights").root());
        } catch (IOException refused) {
            return 0;
        }
    }

    private static long chunked(Hdf5Group group) {
        long bytes = 0;
        for (Hdf5Object child : group.children()) {
            bytes += switch (child) {
                case Hdf5Group inner -> chunked(inner);
                case Hdf5Dataset dataset when dataset.chunks().isPresent() -> dataset.storedBytes() + 2L * dataset.chunks().get().size() * 8;
                case Hdf5Dataset dataset -> 0;
            };
        }
        return bytes;
    }

    private static byte[] zip(List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Entry entry : entries) {
                ZipEntry zipEntry = new ZipEntry(entry.name());
                zipEntry.setMethod(entry.method());
                zipEntry.setTime(0);
                if (entry.method() == ZipEntry.STORED) {
                    CRC32 crc = new CRC32();
                    crc.update(entry.bytes());
                    zipEntry.setSize(entry.bytes().length);
                    zipEntry.setCompressedSize(entry.bytes().length);
                    zipEntry.setCrc(crc.getValue());
                }
                out.putNextEntry(zipEntry);
                out.write(entry.bytes());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** Appends a stored-as-deflated entry {@code name} holding the bomb, declaring {@code declared} bytes, to the archive {@code zip}. */
    private static byte[] withBomb(byte[] zip, String name, long declared) throws IOException {
        // Rebuild: the archive's entries, then the bomb written raw (ZipOutputStream would inflate-check nothing, but
        // it computes sizes itself), so its local and central headers are written here.
        ByteBuffer end = ByteBuffer.wrap(zip, endOfCentralDirectory(zip), 22).order(ByteOrder.LITTLE_ENDIAN);
        int entries = end.getShort(end.position() + 10) & 0xFFFF;
        int centralSize = end.getInt(end.position() + 12);
        int centralAt = end.getInt(end.position() + 16);
        byte[] nameBytes = name.getBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(zip, 0, centralAt);
        int localAt = out.size();
        ByteBuffer local = ByteBuffer.allocate(30 + nameBytes.length).order(ByteOrder.LITTLE_ENDIAN);
        local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8).putInt(0).putInt(0x12345678)
                .putInt(bomb.length).putInt((int) declared).putShort((short) nameBytes.length).putShort((short) 0).put(nameBytes);
        out.write(local.array());
        out.write(bomb);
        int newCentralAt = out.size();
        out.write(zip, centralAt, centralSize);
        ByteBuffer central = ByteBuffer.allocate(46 + nameBytes.length).order(ByteOrder.LITTLE_ENDIAN);
        central.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 8).putInt(0)
                .putInt(0x12345678).putInt(bomb.length).putInt((int) declared).putShort((short) nameBytes.length).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(localAt).put(nameBytes);
        out.write(central.array());
        ByteBuffer newEnd = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        newEnd.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) (entries + 1)).putShort((short) (entries + 1))
                .putInt(centralSize + central.capacity()).putInt(newCentralAt).putShort((short) 0);
        out.write(newEnd.array());
        return out.toByteArray();
    }

    /** Writes a hostile value in a size field (compressed or not, local or central header) of a random entry. */
    private static void lieAboutSizes(Random random, byte[] zip, List<String> edits) {
        List<Integer> fields = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + 46 <= zip.length; at++) {
            int signature = buffer.getInt(at);
            if (signature == 0x04034b50) {
                fields.add(at + 18);
                fields.add(at + 22);
            } else if (signature == 0x02014b50) {
                fields.add(at + 20);
                fields.add(at + 24);
                fields.add(at + 42); // the local header's offset
            }
        }
        int at = fields.get(random.nextInt(fields.size()));
        int value = switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Integer.MAX_VALUE;
            case 3 -> zip.length * (1 + random.nextInt(200));
            default -> buffer.getInt(at) + random.nextInt(64) - 32;
        };
        buffer.putInt(at, value);
        edits.add("size field at " + at + " set to " + Integer.toUnsignedString(value));
    }

    /** Renames every occurrence of the entry name {@code from} (same length) in the headers to {@code to}. */
    private static void rename(byte[] zip, String from, String to) {
        byte[] source = from.getBytes();
        byte[] target = to.getBytes();
        for (int at = 0; at + source.length <= zip.length; at++) {
            if (Arrays.equals(zip, at, at + source.length, source, 0, source.length)) {
                System.arraycopy(target, 0, zip, at, source.length);
            }
        }
    }

    private static int endOfCentralDirectory(byte[] zip) {
        for (int at = zip.length - 22; at >= 0; at--) {
            if (ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).getInt(at) == 0x06054b50) {
                return at;
            }
        }
        throw new IllegalStateException("no end of central directory");
    }

    private static Entry entry(List<Entry> entries, String name) {
        return entries.stream().filter(entry -> entry.name().equals(name)).findFirst().orElseThrow();
    }

    private static int method(List<Entry> entries, String name) {
        return entry(entries, name).method();
    }

    private static void replace(List<Entry> entries, Entry replacement) {
        entries.replaceAll(entry -> entry.name().equals(replacement.name()) ? replacement : entry);
    }
}
