package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.hdf5.Hdf5Dataset;
import dev.kiln.checkpoint.hdf5.Hdf5Dtype;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Builds an imported model with a file's weights: each Kiln layer takes its parameters, in
 * order, from the variables of the Keras layer made from the same config entry, each checked to
 * be float32 and of the shape the parameter needs before its values are read. A layer given fewer
 * or more variables than it takes is refused.
 */
final class KerasWeightBinder {
    private KerasWeightBinder() {}

    /** Builds {@code imported}'s model with {@code perLayer}; {@code source} names the weights in messages. */
    static KerasImport bind(KerasImport imported, List<LayerVariables> perLayer, String source) throws IOException {
        List<Layer> kiln = imported.model().layers();
        if (kiln.size() != perLayer.size()) {
            throw new KerasConfigException(source + ": the file has weights for " + perLayer.size() + " layers; the config has "
                    + kiln.size());
        }
        if (imported.input().kind() == KerasInput.Kind.UNKNOWN) {
            throw new KerasConfigException(source + ": the config gives no input shape (no InputLayer, batch_input_shape or"
                    + " build_input_shape), and Kiln needs it to build layer '" + kiln.getFirst().name() + "'");
        }
        ValueSpec value = imported.inputSpec();
        for (int i = 0; i < kiln.size(); i++) {
            value = bindLayer(kiln.get(i), perLayer.get(i), value, source + ": layer " + i + " '" + kiln.get(i).name() + "' ("
                    + perLayer.get(i).group() + ")", source);
        }
        // The model records its input (a model file keeps it); every layer has its weights now, so none is asked for.
        imported.model().build(imported.inputSpec(), (name, shape, initial) -> {
            throw new IllegalStateException("a built layer asked again for " + name);
        });
        return imported;
    }

    private static ValueSpec bindLayer(Layer layer, LayerVariables weights, ValueSpec input, String where, String source)
            throws IOException {
        Deque<KerasVariable> left = new ArrayDeque<>(weights.variables());
        ParameterSource fromFile = (name, shape, initial) -> {
            KerasVariable variable = left.poll();
            if (variable == null) {
                throw new IllegalArgumentException(where + ": has no variable for Kiln's parameter " + name + " " + shape
                        + " (the file holds " + weights.variables().size() + ")");
            }
            Hdf5Dataset dataset = variable.dataset();
            if (dataset.dtype() != Hdf5Dtype.FLOAT32) {
                throw new IllegalArgumentException(where + ": variable " + variable.name() + " holds " + dataset.dtype()
                        + " values; Kiln reads float32 weights");
            }
            if (!dataset.shape().equals(shape)) {
                throw new IllegalArgumentException(where + ": variable " + variable.name() + " has shape " + dataset.shape()
                        + "; Kiln's parameter " + name + " needs " + shape);
            }
            try {
                return Tensor.wrap(dataset.readFloats(), shape);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        ValueSpec output;
        try {
            output = layer.build(input, fromFile);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new KerasConfigException(message.startsWith(source) ? message : where + ": " + message);
        }
        if (!left.isEmpty()) {
            throw new KerasConfigException(where + ": holds " + weights.variables().size() + " variables; Kiln's layer takes "
                    + (weights.variables().size() - left.size()) + " (first left over: " + left.peek().name() + " "
                    + left.peek().dataset().shape() + ")");
        }
        return output;
    }
}
