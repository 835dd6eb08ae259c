package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.hdf5.Hdf5Writer;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.model.Sequential;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a built Kiln model as a Keras 3 {@code .keras} archive, as Keras 3.10's
 * {@code model.save("m.keras")} lays it out: a zip whose entries are stored, not compressed, in
 * Keras' order: {@code metadata.json} ({@code keras_version}, {@code date_saved} as
 * {@code %Y-%m-%d@%H:%M:%S}), {@code config.json} ({@link KerasModelConfig#toJson}, with the
 * InputLayer of the model's input), {@code model.weights.h5} (Keras 3's weight layout, written by
 * {@link Hdf5Writer}), then each layer's asset files at {@code assets/layers/<group>/<file>} (a
 * TextVectorization's {@code vocabulary.txt}). The two JSON entries carry the zip's earliest time,
 * 1980-01-01 00:00, as Keras' do; the others the save time. The file is written atomically.
 */
public final class KerasArchiveWriter {
    /** The Keras version the archive says it was saved by: the layout and config are Keras 3.10's. */
    public static final String KERAS_VERSION = "3.10.0";

    private static final LocalDateTime ZIP_EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);
    private static final DateTimeFormatter DATE_SAVED = DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss", Locale.ROOT);

    private KerasArchiveWriter() {}

    /** Writes {@code model} to {@code file} with the engine's tables, saved now; see {@link #write(Path, Sequential, KerasLayers)}. */
    public static void write(Path file, Sequential model) throws IOException {
        write(file, model, KerasLayers.engine());
    }

    /**
     * Writes {@code model} (built: its weights exist) to {@code file} as a {@code .keras} archive,
     * its layers through {@code layers}' tables, dated now; a failed write leaves any previous file
     * as it was. A layer without a table is an IllegalArgumentException naming it.
     */
    public static void write(Path file, Sequential model, KerasLayers layers) throws IOException {
        new AtomicFileWriter(true).write(file, toBytes(model, layers, LocalDateTime.now()));
    }

    /** The archive's bytes, {@code saved} the time it records; the same model and time give the same bytes. */
    public static byte[] toBytes(Sequential model, KerasLayers layers, LocalDateTime saved) {
        LocalDateTime time = saved.truncatedTo(ChronoUnit.SECONDS);
        String metadata = "{\"keras_version\": \"" + KERAS_VERSION + "\", \"date_saved\": \"" + DATE_SAVED.format(time) + "\"}";
        String config = KerasModelConfig.toJson(model, KerasExportInput.of(model, layers), layers);
        byte[] weights = Hdf5Writer.toBytes(KerasWeightsFile.of(model, layers));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(weights.length + config.length() + 4096);
        try (ZipOutputStream zip = new ZipOutputStream(buffer, StandardCharsets.UTF_8)) {
            stored(zip, KerasArchive.METADATA, metadata.getBytes(StandardCharsets.UTF_8), ZIP_EPOCH);
            stored(zip, KerasArchive.CONFIG, config.getBytes(StandardCharsets.UTF_8), ZIP_EPOCH);
            stored(zip, KerasArchive.WEIGHTS, weights, time);
            List<String> groups = KerasWeightsFile.groupNames(model.layers(), layers);
            for (int i = 0; i < groups.size(); i++) {
                Layer layer = model.layers().get(i);
                KerasLayer table = KerasWeightsFile.table(layer, layers);
                if (table.savedState().isEmpty()) {
                    continue;
                }
                KerasSavedState state = table.savedState().get();
                for (KerasSavedState.Asset asset : state.assets(layer.config())) {
                    stored(zip, KerasArchive.ASSETS + "layers/" + groups.get(i) + "/" + asset.fileName(), asset.contents(), time);
                    for (String sub : state.alsoUnder()) {
                        stored(zip, KerasArchive.ASSETS + "layers/" + groups.get(i) + "/" + sub + "/" + asset.fileName(), asset.contents(), time);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e); // a ByteArrayOutputStream does not fail
        }
        return buffer.toByteArray();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] contents, LocalDateTime time) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(contents.length);
        entry.setCompressedSize(contents.length);
        CRC32 crc = new CRC32();
        crc.update(contents);
        entry.setCrc(crc.getValue());
        entry.setTimeLocal(time);
        zip.putNextEntry(entry);
        zip.write(contents);
        zip.closeEntry();
    }
}
