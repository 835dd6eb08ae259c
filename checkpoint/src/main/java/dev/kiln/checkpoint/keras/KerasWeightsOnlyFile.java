package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.hdf5.Hdf5File;
import dev.kiln.checkpoint.hdf5.Hdf5Group;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A weights-only Keras file (what {@code save_weights} writes) read with the model's config JSON
 * ({@code model.to_json()}): Keras 3's layout ({@code layers/<class_n>/.../vars/i}, told by its
 * {@code layers} group) or Keras 2's ({@code layer_names} at the root, {@code <layer>/<layer>/<w>:0};
 * a Keras 2 full model's {@code /model_weights} too). The weights are matched with the config's
 * layers by position and class, not by name: a weights file keeps the names of the model that
 * saved it, which need not be the config's.
 */
final class KerasWeightsOnlyFile {
    private KerasWeightsOnlyFile() {}

    static KerasImport load(Path weights, Path config, KerasLayers layers) throws IOException {
        String json = KerasModelConfig.readText(config);
        Object tree = KerasModelConfig.root(json, config.toString());
        KerasImport imported = KerasModelConfig.parse(tree, config.toString(), layers, KerasAssets.none());
        KerasConfigLayers configLayers = KerasConfigLayers.of(tree);
        if (!Hdf5File.hasSignature(ByteBuffer.wrap(KerasModelFile.head(weights)))) {
            throw new KerasConfigException(weights + ": not an HDF5 file; Keras writes weights (save_weights) as HDF5");
        }
        Hdf5Group root = Hdf5File.open(weights).root();
        List<LayerVariables> perLayer;
        String layout;
        if (root.findGroup("layers").isPresent()) {
            perLayer = Keras3Weights.of(root, configLayers.classes(), weights.toString());
            layout = "Keras 3";
        } else if (root.findAttribute("layer_names").isPresent()) {
            perLayer = Keras2Weights.byPosition(root, configLayers, weights.toString());
            layout = "Keras 2";
        } else if (root.findGroup("model_weights").isPresent()) {
            perLayer = Keras2Weights.byPosition(root.group("model_weights"), configLayers, weights.toString());
            layout = "Keras 2 full-model";
        } else {
            throw new KerasConfigException(weights + ": an HDF5 file with neither Keras 3's layers group nor Keras 2's layer_names:"
                    + " not a Keras weights file");
        }
        KerasWeightBinder.bind(imported, perLayer, weights.toString());
        List<String> notes = new ArrayList<>(imported.notes());
        notes.add("weights read from " + weights + " (" + layout + " layout), matched with the config's layers by position and"
                + " class");
        KerasOptimizerImport.Result optimizer = layout.equals("Keras 3")
                ? KerasOptimizerImport.keras3(root, configLayers.optimizer(), imported.model().parameters(), weights.toString())
                : KerasOptimizerImport.keras2(root, Optional.empty(), imported.model().parameters(), List.of());
        return imported.withNotes(notes).withOptimizer(optimizer);
    }
}
