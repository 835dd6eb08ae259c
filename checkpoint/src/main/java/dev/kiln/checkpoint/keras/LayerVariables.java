package dev.kiln.checkpoint.keras;

import java.util.List;

/**
 * The variables of one Keras layer, in Keras' order, and the group they were found under (for
 * messages: {@code layers/dense_1}, {@code model_weights/dense_3}).
 */
record LayerVariables(String group, List<KerasVariable> variables) {
    /** Copies the list. */
    LayerVariables {
        variables = List.copyOf(variables);
    }
}
