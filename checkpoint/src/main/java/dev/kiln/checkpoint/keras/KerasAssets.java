package dev.kiln.checkpoint.keras;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code .keras} archive's asset files ({@code assets/<layer path>/<file>}, as Keras'
 * saving_lib writes what a layer's {@code save_assets} puts in its directory) while the config is
 * read: each layer whose table reads an asset takes its file by the layer's path
 * ({@code layers/<class in snake case>[_n]}, as its weights group), and an asset no layer takes is refused.
 */
final class KerasAssets {
    private final String source;
    private final boolean archive;
    private final Map<String, byte[]> files;
    private final Set<String> claimed = new TreeSet<>();

    /** {@code files} by their path after {@code assets/}; {@code source} names the archive ("model.keras"). */
    KerasAssets(String source, Map<String, byte[]> files) {
        this(source, true, files);
    }

    private KerasAssets(String source, boolean archive, Map<String, byte[]> files) {
        this.source = source;
        this.archive = archive;
        this.files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    /** No archive, so no assets to expect (a config read on its own, an HDF5 model). */
    static KerasAssets none() {
        return new KerasAssets("", false, Map.of());
    }

    /** Gives the layer at {@code layerPath} what its table's asset readers make of its files, into {@code entry}. */
    void readInto(KerasLayer table, String layerPath, KerasEntry entry) throws KerasConfigException {
        for (Map.Entry<String, KerasLayer.AssetReader> asset : table.assets().entrySet()) {
            String path = layerPath + "/" + asset.getKey();
            byte[] bytes = files.get(path);
            if (bytes == null && archive) {
                asset.getValue().missing(entry.kerasConfig(), source + "!assets/" + path);
            }
            if (bytes != null) {
                claimed.add(path);
                claimCopies(table, layerPath, asset.getKey(), bytes);
                for (Map.Entry<String, Object> value : asset.getValue().read(bytes, source + "!assets/" + path).entrySet()) {
                    entry.put(value.getKey(), value.getValue());
                }
            }
        }
    }

    /**
     * Keras saves some layers' assets again through a sublayer (TextVectorization's inner
     * StringLookup, {@code _lookup_layer}): such a copy is the layer's too, and must hold the same
     * bytes, or which one Keras would read is unclear.
     */
    private void claimCopies(KerasLayer table, String layerPath, String file, byte[] bytes) throws KerasConfigException {
        for (String sublayer : table.savedState().map(KerasSavedState::alsoUnder).orElse(List.of())) {
            String copy = layerPath + "/" + sublayer + "/" + file;
            byte[] other = files.get(copy);
            if (other != null) {
                if (!Arrays.equals(bytes, other)) {
                    throw new KerasConfigException(source + ": entry 'assets/" + copy + "' differs from 'assets/" + layerPath + "/"
                            + file + "'; Keras saves the same " + file + " in both places");
                }
                claimed.add(copy);
            }
        }
    }

    /** Refuses an asset no layer took. */
    void requireAllClaimed() throws KerasConfigException {
        for (String path : files.keySet()) {
            if (!claimed.contains(path)) {
                throw new KerasConfigException(source + ": entry 'assets/" + path + "' is an asset no layer of the config reads"
                        + " (a layer's assets are under assets/layers/<its class in snake case>[_n]/, and Kiln reads"
                        + " TextVectorization's vocabulary.txt)");
            }
        }
    }
}
