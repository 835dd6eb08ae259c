package dev.kiln.nlp.hostile;

import dev.kiln.checkpoint.hdf5.Hdf5Dataset;
import dev.kiln.checkpoint.hdf5.Hdf5File;
import dev.kiln.checkpoint.hdf5.Hdf5Group;
import dev.kiln.checkpoint.hdf5.Hdf5Object;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.engine.testing.SharedFiles;
import dev.kiln.engine.testing.TempFolder;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile HDF5 files: real Keras files from shared/keras-files (and checkpoint's features.h5) cut
 * at every few bytes, and edited at random: bits flipped, bytes set, and the length, count,
 * address and dimension fields of their structures (found by signature and by scanning for object header messages) overwritten with
 * hostile values (0, 2^31 - 1, 2^40, all ones, the file's size, anything). Opening each and
 * reading every dataset must end, within the time limit, either normally or with a
 * CheckpointFormatException that starts with the file and names what is wrong, never another
 * exception, and allocate at most {@code LoadLimits.heapBound(N, N)} for a file of N bytes. Runs
 * in the hostile-files execution (a 256 MiB heap; nlp/pom.xml).
 */
class HostileHdf5Files {
    /** Corpus files small enough to copy on every try, and the zip entry that holds the HDF5 file (or null). */
    private static final String[][] SOURCES = {{"mlp-k2.h5", null}, {"bilstm2-tfkeras.h5", null}, {"lambda-seq-k2.h5", null},
        {"embed-conv1d-k2.h5", null}, {"emoji-lstm2-k2-weights.h5", null}, {"emoji-lstm2-k3.weights.h5", null},
        {"imdb-simplernn-unbuilt-k3.keras", "model.weights.h5"}};
    /** The h5py feature files of the checkpoint module: every superblock version, v2 headers, dense links, the chunk indexes, filters. */
    private static final String[] FEATURES = {"features.h5", "features-earliest.h5", "features-superblock1.h5", "features-v108.h5",
        "features-latest.h5"};
    private static final String[] SIGNATURES = {"TREE", "SNOD", "HEAP", "GCOL", "OHDR", "OCHK", "FRHP", "FHIB", "FHDB", "BTHD", "BTIN",
        "BTLF", "FAHD", "FADB", "EAHD", "EAIB", "EADB"};
    /** Object header message types whose fields the edits aim at: dataspace, datatype, layout, attribute, continuation, symbol table. */
    private static final List<Integer> MESSAGE_TYPES = List.of(1, 3, 8, 12, 16, 17);
    private static final AtomicInteger LOADED = new AtomicInteger();
    private static final AtomicInteger REFUSED = new AtomicInteger();
    private static TempFolder folder;
    private static Map<String, Source> sources;

    /** A corpus file's bytes, the offsets of the fields worth lying in, its checksums, and its root group's header address. */
    record Source(byte[] bytes, int[] fields, Hdf5Seals seals, long root) {
        static Source of(byte[] bytes) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            long root = bytes[8] >= 2 ? buffer.getLong(36) : buffer.getLong(bytes[8] == 1 ? 68 : 64);
            return new Source(bytes, HostileHdf5Files.fields(bytes), Hdf5Seals.of(bytes), root);
        }
    }

    private static synchronized Map<String, Source> sources() throws IOException {
        if (sources == null) {
            folder = TempFolder.create("kiln-hostile-hdf5");
            sources = new LinkedHashMap<>();
            for (String[] source : SOURCES) {
                byte[] bytes = corpusBytes(source[0], source[1]);
                sources.put(source[0], Source.of(bytes));
            }
            // The checkpoint module's files of what the corpus lacks (hdf5_features.py).
            for (String name : FEATURES) {
                sources.put(name, Source.of(Files.readAllBytes(Path.of("../checkpoint/src/test/resources/hdf5", name))));
            }
        }
        return sources;
    }

    @AfterContainer
    static synchronized void report() throws IOException {
        System.out.printf("HostileHdf5Files: %d hostile files, %d read in full, %d refused by name%n", LOADED.get() + REFUSED.get(),
                LOADED.get(), REFUSED.get());
        if (folder != null) {
            folder.close();
            folder = null;
            sources = null;
        }
    }

    @Example
    void aRealFileCutAnywhereIsRefusedWithinTheBound() throws IOException {
        for (Map.Entry<String, Source> source : sources().entrySet()) {
            byte[] bytes = source.getValue().bytes();
            int step = Math.max(1, bytes.length / 300);
            for (int length = 0; length < bytes.length; length += step) {
                assertTrue(!check(Arrays.copyOf(bytes, length), "cut " + source.getKey() + " to " + length + " bytes"),
                        "a cut file was read: " + source.getKey() + " to " + length + " bytes");
            }
        }
    }

    @Example
    void theRealFilesReadInFullWithinTheBoundTheirDatasetsGive() throws IOException {
        for (Map.Entry<String, Source> source : sources().entrySet()) {
            byte[] bytes = source.getValue().bytes();
            Path file = write(bytes);
            long datasetBytes = datasetBytes(Hdf5File.open(file).root());
            long bound = LoadLimits.heapBound(datasetBytes + decodedBytes(file), Math.max(0, bytes.length - datasetBytes));
            try {
                assertTrue(HostileLoad.check(file, bound, "none", () -> readEverything(file)), source.getKey());
            } finally {
                Files.delete(file);
            }
        }
    }

    @Property
    void editedHdf5FilesReadInFullOrAreRefusedByName(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        List<Source> all = List.copyOf(sources().values());
        List<String> edits = new ArrayList<>();
        byte[] bytes = edited(random, all.get(random.nextInt(all.size())), edits);
        check(bytes, String.join("; ", edits));
    }

    /**
     * A copy of {@code source} with 1 to 3 edits (hostile values in its fields, the root's address
     * for a cyclic link, flipped bits, set bytes, a new length), most often re-sealed; {@code edits}
     * says what was done.
     */
    static byte[] edited(Random random, Source source, List<String> edits) {
        byte[] bytes = source.bytes().clone();
        for (int e = 0, count = 1 + random.nextInt(3); e < count; e++) {
            if (bytes.length == 0) { // resized to nothing: no byte left to edit (an empty file is a case of its own)
                break;
            }
            int kind = random.nextInt(10);
            if (kind < 5) {
                int at = source.fields()[random.nextInt(source.fields().length)];
                int width = new int[] {1, 2, 4, 8}[random.nextInt(4)];
                long value = random.nextInt(8) == 0 ? source.root() : hostileValue(random, bytes.length); // the root: a cyclic link
                if (at + width <= bytes.length) {
                    put(bytes, at, width, value);
                    edits.add("write " + Long.toUnsignedString(value) + " in " + width + " bytes at " + at);
                }
            } else if (kind < 8) {
                int at = random.nextBoolean() ? random.nextInt(Math.min(bytes.length, 8192)) : random.nextInt(bytes.length);
                bytes[at] ^= (byte) (1 << random.nextInt(8));
                edits.add("flip a bit of byte " + at);
            } else if (kind < 9) {
                int at = random.nextInt(bytes.length);
                bytes[at] = (byte) random.nextInt(256);
                edits.add("set byte " + at + " to " + (bytes[at] & 0xFF));
            } else {
                int length = random.nextBoolean() ? random.nextInt(bytes.length) : bytes.length + 1 + random.nextInt(100);
                bytes = Arrays.copyOf(bytes, length);
                edits.add("resize to " + length);
            }
        }
        if (source.seals().count() > 0 && random.nextInt(4) != 0) {
            source.seals().reseal(bytes); // the edit reaches past the checksums
            edits.add("re-sealed");
        }
        return bytes;
    }

    @Example
    void theFeatureFilesFindTheirChecksums() throws IOException {
        // Without the seals, the re-sealed edits above would stop at the first checksum.
        assertTrue(sources().get("features-latest.h5").seals().count() > 40, "seals found: " + sources().get("features-latest.h5").seals().count());
        assertTrue(sources().get("features-v108.h5").seals().count() > 20, "seals found: " + sources().get("features-v108.h5").seals().count());
    }

    /** Writes {@code bytes} to a file, opens it and reads every dataset; true when it read, false when refused by name. */
    private static boolean check(byte[] bytes, String edits) throws IOException {
        Path file = write(bytes);
        try {
            long bound = LoadLimits.heapBound(bytes.length + decodedBytes(file), bytes.length);
            boolean loaded = HostileLoad.check(file, bound, edits, () -> readEverything(file));
            (loaded ? LOADED : REFUSED).incrementAndGet();
            return loaded;
        } finally {
            Files.delete(file);
        }
    }

    /**
     * What the chunked datasets of the file decode to, with two chunk buffers each (0 if it does not
     * open): the reader allows at most 100 times the file's size, and the bound counts it as data.
     */
    private static long decodedBytes(Path file) {
        try {
            return decodedBytes(Hdf5File.open(file).root());
        } catch (IOException refused) {
            return 0;
        }
    }

    private static long decodedBytes(Hdf5Group group) {
        long bytes = 0;
        for (Hdf5Object child : group.children()) {
            bytes += switch (child) {
                case Hdf5Group inner -> decodedBytes(inner);
                case Hdf5Dataset dataset when dataset.chunks().isPresent() && dataset.hasData() -> dataset.storedBytes()
                        + 2L * dataset.chunks().get().size() * (dataset.storedBytes() / Math.max(1, dataset.shape().size()));
                case Hdf5Dataset dataset -> 0;
            };
        }
        return bytes;
    }

    private static Path write(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(folder.path(), "hostile-", ".h5"), bytes);
    }

    /** Opens the file and reads every dataset's values that it holds (attributes are read when it opens). */
    private static void readEverything(Path file) throws IOException {
        read(Hdf5File.open(file).root());
    }

    private static void read(Hdf5Group group) throws CheckpointFormatException {
        for (Hdf5Object child : group.children()) {
            switch (child) {
                case Hdf5Group inner -> read(inner);
                case Hdf5Dataset dataset when !dataset.hasData() -> { } // never written: nothing to read
                case Hdf5Dataset dataset -> {
                    int length = dataset.dtype().isFloatingPoint() ? dataset.readFloats().length
                            : dataset.dtype().isInteger() ? dataset.readLongs().length : dataset.readStrings().size();
                    assertEquals(dataset.shape().size(), length, dataset.toString());
                }
            }
        }
    }

    private static long datasetBytes(Hdf5Group group) {
        long bytes = 0;
        for (Hdf5Object child : group.children()) {
            bytes += switch (child) {
                case Hdf5Group inner -> datasetBytes(inner);
                case Hdf5Dataset dataset -> dataset.storedBytes();
            };
        }
        return bytes;
    }

    private static long hostileValue(Random random, int fileLength) {
        return switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> Integer.MAX_VALUE;
            case 3 -> 1L << 40;
            case 4 -> -1;
            case 5 -> fileLength;
            case 6 -> random.nextInt(fileLength);
            default -> random.nextLong();
        };
    }

    private static void put(byte[] bytes, int at, int width, long value) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (width) {
            case 1 -> buffer.put(at, (byte) value);
            case 2 -> buffer.putShort(at, (short) value);
            case 4 -> buffer.putInt(at, (int) value);
            default -> buffer.putLong(at, value);
        }
    }

    /**
     * The offsets of fields worth lying in: the superblock's, those after each B-tree, symbol table
     * node, local heap and global heap signature, and those of every object header message found
     * by scanning the 8-byte-aligned offsets for a plausible message header.
     */
    private static int[] fields(byte[] bytes) {
        List<Integer> fields = new ArrayList<>();
        for (int at = 8; at < 96; at++) {
            fields.add(at);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + 48 <= bytes.length; at++) {
            for (String signature : SIGNATURES) {
                if (Arrays.equals(bytes, at, at + 4, signature.getBytes(), 0, 4)) {
                    int span = signature.equals("OHDR") || signature.equals("OCHK") ? 400 : 64; // v2 headers: every message in reach
                    for (int field = at + 4; field < Math.min(at + span, bytes.length - 8); field += signature.equals("OHDR") ? 1 : 2) {
                        fields.add(field);
                    }
                }
            }
            int size = buffer.getShort(at + 2) & 0xFFFF;
            if (at % 8 == 0 && MESSAGE_TYPES.contains(buffer.getShort(at) & 0xFFFF) && size % 8 == 0 && size > 0 && size <= 4096
                    && bytes[at + 5] == 0 && bytes[at + 6] == 0 && bytes[at + 7] == 0) {
                for (int field = at; field < at + 8 + Math.min(size, 40); field += 2) {
                    fields.add(field);
                }
            }
        }
        return fields.stream().mapToInt(Integer::intValue).toArray();
    }

    private static byte[] corpusBytes(String name, String entry) throws IOException {
        Path path = SharedFiles.path("keras-files/" + name);
        if (entry == null) {
            return Files.readAllBytes(path);
        }
        try (ZipFile zip = new ZipFile(path.toFile()); InputStream in = zip.getInputStream(zip.getEntry(entry))) {
            return in.readAllBytes();
        }
    }
}
