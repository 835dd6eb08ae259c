package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.hdf5.Hdf5Data;
import dev.kiln.checkpoint.hdf5.Hdf5GroupBuilder;
import dev.kiln.checkpoint.hdf5.Hdf5Value;
import dev.kiln.checkpoint.hdf5.Hdf5Writer;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.model.Sequential;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a built Kiln model as a legacy full-model HDF5 file ({@code model.save("m.h5")}), laid out
 * as Keras' legacy HDF5 saving does: root attributes {@code keras_version}, {@code backend} and
 * {@code model_config} (the config JSON, {@link KerasModelConfig#toJson}; a variable-length UTF-8
 * string, so a config of any size fits); a {@code model_weights} group with the same
 * {@code keras_version} and {@code backend} and {@code layer_names} (the layers' names, fixed-length
 * ASCII as NumPy byte strings), and per layer a group of its name with {@code weight_names}
 * (fixed-length ASCII; an empty float64 array for a layer without weights, as Keras writes) and
 * the datasets at {@code model_weights/<layer>/<weight name>}, weight names as Keras 2 gives them
 * ({@code dense/kernel:0}, {@code lstm/lstm_cell/kernel:0}). The file is written atomically.
 */
public final class KerasHdf5Writer {
    /** The backend the file names (Keras' default; the weights do not depend on it). */
    public static final String BACKEND = "tensorflow";

    private KerasHdf5Writer() {}

    /** Writes {@code model} to {@code file} with the engine's tables; see {@link #write(Path, Sequential, KerasLayers)}. */
    public static void write(Path file, Sequential model) throws IOException {
        write(file, model, KerasLayers.engine());
    }

    /**
     * Writes {@code model} (built) to {@code file}, its layers through {@code layers}' tables; a
     * failed write leaves any previous file as it was. A layer without a table, or a name that is
     * not ASCII (Keras 2 writes names as byte strings), is an IllegalArgumentException naming it.
     */
    public static void write(Path file, Sequential model, KerasLayers layers) throws IOException {
        Hdf5Writer.write(file, tree(model, layers));
    }

    /** The file's tree. */
    static Hdf5GroupBuilder tree(Sequential model, KerasLayers layers) {
        Hdf5GroupBuilder root = Hdf5GroupBuilder.root();
        root.attribute("keras_version", Hdf5Value.utf8(KerasArchiveWriter.KERAS_VERSION))
                .attribute("backend", Hdf5Value.utf8(BACKEND))
                .attribute("model_config", Hdf5Value.utf8(KerasModelConfig.toJson(model, KerasExportInput.of(model, layers), layers)));
        Hdf5GroupBuilder weights = root.group("model_weights");
        List<String> names = model.layers().stream().map(Layer::name).toList();
        weights.attribute("keras_version", Hdf5Value.utf8(KerasArchiveWriter.KERAS_VERSION))
                .attribute("backend", Hdf5Value.utf8(BACKEND))
                .attribute("layer_names", Hdf5Value.fixedAscii(names));
        for (Layer layer : model.layers()) {
            Hdf5GroupBuilder group = weights.group(layer.name());
            List<String> weightNames = new ArrayList<>();
            for (KerasVariableLayout.VarsGroup vars : KerasWeightsFile.table(layer, layers).variableLayout().groups(layer, layers)) {
                for (int i = 0; i < vars.variables().size(); i++) {
                    Variable variable = vars.variables().get(i);
                    String name = vars.keras2Names().get(i);
                    weightNames.add(name);
                    dataset(group, name, Hdf5Data.float32(variable.shape(), variable.data()));
                }
            }
            group.attribute("weight_names", weightNames.isEmpty() ? Hdf5Value.float64s() : Hdf5Value.fixedAscii(weightNames));
        }
        return root;
    }

    /** The dataset at {@code path} ("dense/kernel:0") under {@code group}, its groups made on the way. */
    private static void dataset(Hdf5GroupBuilder group, String path, Hdf5Data data) {
        int slash = path.lastIndexOf('/');
        Hdf5GroupBuilder parent = slash < 0 ? group : group.group(path.substring(0, slash));
        parent.dataset(path.substring(slash + 1), data);
    }
}
