package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.io.LoadLimits;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The entries of a Keras 3 {@code .keras} archive, read only after the whole zip directory has
 * been checked: at most {@link KerasModelFile#MAX_ZIP_ENTRIES} entries, no two of one name, only
 * the names Keras writes (no NumPy or pickle entry), each entry's sizes consistent with the file
 * and with {@link KerasModelFile#MAX_COMPRESSION_RATIO}, the total bounded by half the heap and
 * by {@link LoadLimits#MAX_FILE_BYTES}; each entry read to exactly its declared size.
 *
 * @param config   config.json's bytes
 * @param metadata metadata.json's bytes, when the archive has one
 * @param weights  model.weights.h5's bytes
 * @param assets   the files under {@code assets/} by their path after it ({@code layers/text_vectorization/vocabulary.txt}),
 *                 each at most {@link KerasModelConfig#MAX_BYTES}; a layer of the config must claim each one
 */
record KerasArchive(byte[] config, Optional<byte[]> metadata, byte[] weights, Map<String, byte[]> assets) {
    static final String ASSETS = "assets/";
    static final String CONFIG = "config.json";
    static final String METADATA = "metadata.json";
    static final String WEIGHTS = "model.weights.h5";

    /** Reads and checks the archive at {@code file}; every problem is a KerasConfigException naming the file. */
    static KerasArchive read(Path file) throws IOException {
        long fileSize = Files.size(file);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<ZipEntry> all = new ArrayList<>();
            var enumeration = zip.entries();
            while (enumeration.hasMoreElements()) {
                all.add(enumeration.nextElement());
                if (all.size() > KerasModelFile.MAX_ZIP_ENTRIES) {
                    throw new KerasConfigException(file + ": the archive holds more than " + KerasModelFile.MAX_ZIP_ENTRIES
                            + " entries; a Keras model archive holds config.json, metadata.json and model.weights.h5");
                }
            }
            Set<String> names = new HashSet<>();
            for (ZipEntry entry : all) {
                if (!names.add(entry.getName())) {
                    throw new KerasConfigException(file + ": two entries are named '" + entry.getName() + "'; a zip with"
                            + " duplicate names is refused, since readers disagree on which one is meant (a way hostile"
                            + " archives hide content)");
                }
            }
            for (ZipEntry entry : all) {
                checkEntryName(file, entry.getName());
            }
            long total = 0;
            for (ZipEntry entry : all) {
                total += checkEntrySize(file, entry, fileSize);
            }
            long heap = Runtime.getRuntime().maxMemory() / 2;
            if (total > heap) {
                throw new KerasConfigException(file + ": the archive's entries add up to " + total + " bytes; this JVM reads at most "
                        + heap + " (half its heap, -Xmx)");
            }
            if (total > LoadLimits.MAX_FILE_BYTES) {
                throw new KerasConfigException(file + ": the archive's entries add up to " + total + " bytes; Kiln reads at most "
                        + LoadLimits.MAX_FILE_BYTES);
            }
            for (String required : List.of(CONFIG, WEIGHTS)) {
                if (!names.contains(required)) {
                    throw new KerasConfigException(file + ": the archive has no " + required + "; a Keras 3 model archive holds "
                            + CONFIG + ", " + METADATA + " and " + WEIGHTS + " (entries found: " + names.stream().sorted().toList() + ")");
                }
            }
            for (ZipEntry entry : all) {
                if (!entry.isDirectory()) {
                    entries.put(entry.getName(), readEntry(file, zip, entry));
                }
            }
        } catch (EOFException | ZipException e) {
            // As in readEntry: the JDK reads the end record and the directory where they claim to be, and a damaged
            // length sends it past the end of the file in a bare EOFException (found by HostileKerasFiles).
            throw new KerasConfigException(file + ": not a readable zip archive ("
                    + reason(e, "its end record or directory runs past the end of the file; a damaged or hostile zip") + ")");
        }
        Map<String, byte[]> assets = new LinkedHashMap<>();
        entries.forEach((name, bytes) -> {
            if (name.startsWith(ASSETS)) {
                assets.put(name.substring(ASSETS.length()), bytes);
            }
        });
        return new KerasArchive(entries.get(CONFIG), Optional.ofNullable(entries.get(METADATA)), entries.get(WEIGHTS), assets);
    }

    private static void checkEntryName(Path file, String name) throws KerasConfigException {
        if (name.equals(CONFIG) || name.equals(METADATA) || name.equals(WEIGHTS)) {
            return;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".npz") || lower.endsWith(".npy") || lower.endsWith(".pkl") || lower.endsWith(".pickle")) {
            throw new KerasConfigException(file + ": entry '" + name + "' is a NumPy or pickle file, which can hold pickled Python"
                    + " objects that run code when loaded; Kiln never loads them and reads weights only from " + WEIGHTS);
        }
        if (name.startsWith(ASSETS) && !name.contains("..") && !name.contains("\\") && name.length() > ASSETS.length()) {
            return; // a layer's asset: read, then refused unless a layer of the config claims it
        }
        throw new KerasConfigException(file + ": entry '" + name + "' is not part of a Keras model archive Kiln reads (" + CONFIG
                + ", " + METADATA + ", " + WEIGHTS + ", a layer's assets/...)");
    }

    /** The entry's size after checking it against the file (a zip bomb's sizes are refused before anything is inflated). */
    private static long checkEntrySize(Path file, ZipEntry entry, long fileSize) throws KerasConfigException {
        long size = entry.getSize();
        long compressed = entry.getCompressedSize();
        if (size < 0 || compressed < 0) {
            throw new KerasConfigException(file + ": entry '" + entry.getName() + "' does not declare its size");
        }
        if (compressed > fileSize) {
            throw new KerasConfigException(file + ": entry '" + entry.getName() + "' claims " + compressed
                    + " compressed bytes in a file of " + fileSize);
        }
        boolean stored = entry.getMethod() == ZipEntry.STORED;
        if (stored ? size != compressed : size > Math.max(compressed, 1) * KerasModelFile.MAX_COMPRESSION_RATIO) {
            throw new KerasConfigException(file + ": entry '" + entry.getName() + "' claims " + size + " bytes from " + compressed
                    + " compressed ones; refused as a possible zip bomb (Kiln accepts at most "
                    + KerasModelFile.MAX_COMPRESSION_RATIO + " to 1)");
        }
        long limit = entry.getName().equals(WEIGHTS) ? LoadLimits.MAX_FILE_BYTES : KerasModelConfig.MAX_BYTES;
        if (size > limit) {
            throw new KerasConfigException(file + ": entry '" + entry.getName() + "' is " + size + " bytes; Kiln reads at most "
                    + limit);
        }
        return size;
    }

    private static byte[] readEntry(Path file, ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes((int) entry.getSize());
            if (bytes.length != entry.getSize() || in.read() != -1) {
                throw new KerasConfigException(file + ": entry '" + entry.getName() + "' does not hold the " + entry.getSize()
                        + " bytes it declares");
            }
            return bytes;
        } catch (EOFException | ZipException e) {
            // A header whose offsets or sizes lie past the file, or data that does not inflate: the JDK's words, after the file's.
            throw new KerasConfigException(file + ": entry '" + entry.getName() + "' cannot be read: "
                    + reason(e, "its data runs past the end of the file") + " (a damaged or hostile zip)");
        }
    }

    /** The JDK's words for a ZipException; for its bare EOFException (no message), {@code pastTheEnd}. */
    private static String reason(IOException e, String pastTheEnd) {
        return e instanceof ZipException ? e.getMessage() : pastTheEnd;
    }
}
