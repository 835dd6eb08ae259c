package dev.kiln.engine.loss;

import dev.kiln.engine.autodiff.ExampleLoss;
import dev.kiln.engine.part.Part;
import dev.kiln.engine.part.PartConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * A training objective, Keras style: computed example by example ({@link ExampleLoss}) and
 * reduced over the batch as Keras' default "sum_over_batch_size" does: the sum of
 * sample weight x example loss, divided by the batch size. A loss is rebuilt from its
 * {@link #config()} by a registry ({@link Losses#registry()}).
 */
public interface Loss extends Part, ExampleLoss {

    /** Keras' one reduction Kiln computes (the default): the weighted sum divided by the batch size. */
    String REDUCTION = "sum_over_batch_size";

    /** Keras' name of the loss ("binary_crossentropy"), kept in its config. */
    String name();

    /** How many target values an example has when the model outputs {@code outputWidth} values. */
    default int targetWidth(int outputWidth) {
        return outputWidth;
    }

    /** Refuses a model output this loss cannot score (e.g. a single class for a softmax cross-entropy). */
    default void requireOutputWidth(int outputWidth) {}

    /** A loss config with its name and the reduction, ready for the loss's own keys. */
    static PartConfig.Builder config(String type, String name) {
        return PartConfig.builder("loss", type).put("name", name).put("reduction", REDUCTION);
    }

    /** Refuses keys other than name, reduction and {@code own}, and any reduction but Keras' default. */
    static void requireKeys(PartConfig config, List<String> own) {
        List<String> all = new ArrayList<>(List.of("name", "reduction"));
        all.addAll(own);
        config.requireOnly(all);
        config.getChoice("reduction", REDUCTION, List.of(REDUCTION));
    }

    /** What the model's outputs mean under this loss (regression values unless a loss says otherwise). */
    default OutputMeaning outputMeaning() {
        return OutputMeaning.VALUES;
    }
}
