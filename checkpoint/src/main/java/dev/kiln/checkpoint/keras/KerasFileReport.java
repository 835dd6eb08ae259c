package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.hdf5.Hdf5Attribute;
import dev.kiln.checkpoint.hdf5.Hdf5File;
import dev.kiln.engine.layer.Layer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code kiln inspect FILE.keras|FILE.h5} prints of a Keras model file: its format, the
 * Keras version and date it was saved with (metadata.json of an archive; an HDF5 file's
 * keras_version attribute, and no date), each layer (name, Keras class, output shape, parameter
 * count), and whether its optimizer state was imported, with the loader's notes. The file is
 * loaded whole first, so a file the loader refuses is reported by the loader's message.
 */
final class KerasFileReport {
    private KerasFileReport() {}

    static String describe(Path file, KerasLayers layers) throws IOException {
        KerasImport imported = KerasModelFile.load(file, layers);
        StringBuilder out = new StringBuilder();
        if (KerasModelFile.isZip(KerasModelFile.head(file))) {
            Optional<byte[]> json = KerasArchive.read(file).metadata();
            String source = file + "!metadata.json";
            Object tree = json.isPresent() ? KerasModelConfig.root(KerasModelConfig.text(json.get(), source), source) : Map.of();
            Map<?, ?> metadata = tree instanceof Map<?, ?> map ? map : Map.of();
            out.append(file).append(": Keras 3 .keras archive, Keras ").append(text(metadata.get("keras_version")))
                    .append(", saved ").append(text(metadata.get("date_saved"))).append('\n');
        } else {
            Optional<Hdf5Attribute> version = Hdf5File.open(file).root().findAttribute("keras_version");
            out.append(file).append(": Keras ").append(imported.kerasMajorVersion()).append(" HDF5 full model, Keras ")
                    .append(version.isPresent() ? version.get().string() : "(not recorded)").append(", date saved not recorded\n");
        }
        out.append(String.format(Locale.ROOT, "layers (%d):%n  %-28s %-24s %-20s %12s%n", imported.model().layers().size(), "name",
                "class", "output shape", "parameters"));
        for (Layer layer : imported.model().layers()) {
            long parameters = layer.parameters().stream().mapToLong(variable -> variable.shape().size()).sum();
            out.append(String.format(Locale.ROOT, "  %-28s %-24s %-20s %,12d%n", layer.name(), layer.config().type(),
                    layer.outputShape(), parameters));
        }
        out.append(String.format(Locale.ROOT, "total: %,d parameters%n", imported.model().parameterCount()));
        out.append("optimizer state: ").append(imported.optimizer().isPresent() ? "present, imported" : "not imported").append('\n');
        imported.notes().forEach(note -> out.append("note: ").append(note).append('\n'));
        return out.toString();
    }

    private static String text(Object value) {
        return value instanceof String text ? text : "(not recorded)";
    }
}
