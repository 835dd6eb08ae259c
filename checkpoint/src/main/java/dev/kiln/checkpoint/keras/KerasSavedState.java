package dev.kiln.checkpoint.keras;

import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.tensor.Shape;

import java.util.List;

/**
 * What a layer saves in a {@code .keras} archive besides the numbered variables of its
 * parameters, as its Keras class's {@code save_assets} and {@code save_own_variables} do: asset
 * files, written at {@code assets/<the layer's path>/<file>} (a TextVectorization's
 * {@code vocabulary.txt}), and variables Keras stores under a name in the layer's {@code vars}
 * group (tf_idf's {@code idf_weights}). A table gives it with
 * {@link KerasLayer.Builder#saves(KerasSavedState)}; it reads only the layer's Kiln config, so the
 * checkpoint module need not know the layer's class.
 */
public interface KerasSavedState {
    /** One asset file: its name in the layer's asset directory and its bytes. */
    record Asset(String fileName, byte[] contents) {
        /** Checks the name: one path segment, not "." or "..". */
        public Asset {
            if (fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\") || fileName.equals(".")
                    || fileName.equals("..")) {
                throw new IllegalArgumentException("asset file name '" + fileName + "' is not one file name");
            }
            contents = contents.clone();
        }

        /** The file's bytes (a copy). */
        @Override
        public byte[] contents() {
            return contents.clone();
        }
    }

    /** A float32 variable Keras stores as {@code vars/<name>} (not numbered). */
    record NamedVariable(String name, Shape shape, float[] values) {
        /** Checks that the values fill the shape. */
        public NamedVariable {
            if (shape.size() != values.length) {
                throw new IllegalArgumentException("variable '" + name + "' of shape " + shape + " has " + values.length + " values");
            }
            values = values.clone();
        }

        /** The values (a copy). */
        @Override
        public float[] values() {
            return values.clone();
        }
    }

    /** The asset files of the layer configured by {@code config}; empty when it saves none. */
    List<Asset> assets(PartConfig config);

    /** The named variables of the layer configured by {@code config}; empty by default. */
    default List<NamedVariable> namedVariables(PartConfig config) {
        return List.of();
    }

    /**
     * Paths under the layer's own where Keras saves the same state again, because its saving walks
     * into a sublayer the layer also saves through (TextVectorization's {@code _lookup_layer});
     * empty by default.
     */
    default List<String> alsoUnder() {
        return List.of();
    }
}
