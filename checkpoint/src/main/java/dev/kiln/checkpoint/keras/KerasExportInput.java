package dev.kiln.checkpoint.keras;

import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.tensor.Tensor;

import java.util.OptionalInt;

/** The input a built Kiln model is exported with: what Keras' InputLayer and build_input_shape say. */
final class KerasExportInput {
    private KerasExportInput() {}

    /**
     * Texts or token ids when the first layer's table takes them; otherwise vectors or sequences of
     * the width the model was built for. A model whose input kind is not recorded (one loaded from
     * a model file, which keeps only the width and length) is told by whether its first layer
     * builds on vectors: a fresh copy of it is built on vectors of that width, and sequences are
     * taken when it refuses.
     */
    static KerasInput of(Sequential model, KerasLayers tables) {
        Layer first = model.layers().getFirst();
        KerasLayer table = tables.forKilnType(first.config().type()).orElseThrow(() -> new IllegalArgumentException("layer '"
                + first.name() + "' (" + first.config().type() + ") has no Keras table; Kiln writes " + tables.kerasClasses()));
        ValueSpec input = model.builtInput().orElseThrow(() -> new IllegalArgumentException("the model is not built: build or"
                + " train it before export, so its weights exist"));
        OptionalInt steps = input.fixedLength() ? OptionalInt.of(input.steps()) : OptionalInt.empty();
        if (table.takes() == KerasInput.Kind.TEXTS) {
            return KerasInput.texts();
        }
        if (table.takes() == KerasInput.Kind.TOKEN_IDS) {
            return KerasInput.tokenIds(steps);
        }
        if (input.width() <= 0) {
            throw new IllegalArgumentException("the model does not record the width of its input, which Keras' InputLayer needs");
        }
        if (ValueSpec.SEQUENCES.equals(input.kind()) || input.kind() == null && input.fixedLength()) {
            return KerasInput.sequences(steps, input.width());
        }
        if (ValueSpec.FEATURES.equals(input.kind()) || takesVectors(first, table, tables, input.width())) {
            return KerasInput.vectors(input.width());
        }
        return KerasInput.sequences(steps, input.width());
    }

    private static boolean takesVectors(Layer first, KerasLayer table, KerasLayers tables, int width) {
        Layer copy = tables.create(table, first.config());
        try {
            copy.build(new ValueSpec(ValueSpec.FEATURES, width), (name, shape, initial) -> Tensor.zeros(shape));
            return true;
        } catch (IllegalArgumentException refused) {
            return false;
        }
    }
}
