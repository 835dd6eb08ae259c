package dev.kiln.engine.model;

import dev.kiln.engine.loss.Loss;
import dev.kiln.engine.metric.Metric;
import dev.kiln.engine.optim.Optimizer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KerasNamesTest {
    @Test
    void lossNamesAndAliasesBuildKerasDefaultsWithTheGivenFromLogits() {
        Loss bce = KerasNames.loss("binary_crossentropy", true);
        assertEquals("BinaryCrossentropy", bce.config().type());
        assertEquals(true, bce.config().values().get("from_logits"));
        assertEquals(false, KerasNames.loss("bce", false).config().values().get("from_logits"));
        assertEquals(KerasNames.loss("mse", false).config(), KerasNames.loss("mean_squared_error", true).config(),
                "from_logits does not apply to a regression loss");
        assertEquals("MeanAbsoluteError", KerasNames.loss("mae", false).config().type());
        assertEquals("Huber", KerasNames.loss("huber", false).config().type());
        assertEquals(KerasNames.loss("sparse_categorical_crossentropy", true).config(),
                KerasNames.loss("SparseCategoricalCrossentropy", true).config(), "the class name works as in Keras");
    }

    @Test
    void optimizersTakeKerasDefaultLearningRatesOrTheGivenOne() {
        assertEquals(0.001, KerasNames.optimizer("adam", OptionalDouble.empty()).learningRate(), 1e-12);
        assertEquals(0.01, KerasNames.optimizer("sgd", OptionalDouble.empty()).learningRate(), 1e-12);
        Optimizer rms = KerasNames.optimizer("rmsprop", OptionalDouble.of(1e-4));
        assertEquals("RMSprop", rms.config().type());
        assertEquals(1e-4, rms.learningRate(), 1e-12);
        assertEquals("AdamW", KerasNames.optimizer("adamw", OptionalDouble.empty()).config().type());
        assertEquals("Adagrad", KerasNames.optimizer("adagrad", OptionalDouble.empty()).config().type());
    }

    @Test
    void accuracyFollowsTheLossAsKerasResolvesIt() {
        Metric binary = KerasNames.metric("accuracy", KerasNames.loss("binary_crossentropy", true));
        assertEquals("BinaryAccuracy", binary.config().type());
        assertEquals("accuracy", binary.name());
        assertEquals(true, binary.config().values().get("from_logits"), "logits are scored by their probability");
        assertEquals(false, KerasNames.metric("acc", KerasNames.loss("binary_crossentropy", false)).config().values()
                .get("from_logits"));
        assertEquals("SparseCategoricalAccuracy",
                KerasNames.metric("accuracy", KerasNames.loss("sparse_categorical_crossentropy", true)).config().type());
        assertEquals("CategoricalAccuracy",
                KerasNames.metric("acc", KerasNames.loss("categorical_crossentropy", false)).config().type());
    }

    @Test
    void everyMetricNameBuildsAndIsNamedByItsIdentifier() {
        Loss loss = KerasNames.loss("binary_crossentropy", false);
        List<String> names = List.of("binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
                "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "mse", "mean_squared_error", "mae",
                "mean_absolute_error", "precision", "recall", "auc", "f1_score", "AUC");
        List<Metric> metrics = KerasNames.metrics(names, loss);
        for (int i = 0; i < names.size(); i++) {
            assertEquals(names.get(i), metrics.get(i).name());
        }
        assertEquals("AUC", metrics.get(11).config().type());
        assertEquals(5, metrics.get(3).config().values().get("k"), "Keras' default k");
    }

    @Test
    void unknownNamesListWhatKilnKnows() {
        IllegalArgumentException loss = assertThrows(IllegalArgumentException.class, () -> KerasNames.loss("hinge", false));
        assertTrue(loss.getMessage().startsWith("unknown loss 'hinge': Kiln knows BinaryCrossentropy, "), loss.getMessage());
        assertTrue(loss.getMessage().contains("sparse_categorical_crossentropy"), loss.getMessage());
        IllegalArgumentException optimizer = assertThrows(IllegalArgumentException.class,
                () -> KerasNames.optimizer("nadam", OptionalDouble.empty()));
        assertTrue(optimizer.getMessage().startsWith("unknown optimizer 'nadam': Kiln knows "), optimizer.getMessage());
        IllegalArgumentException metric = assertThrows(IllegalArgumentException.class,
                () -> KerasNames.metric("kld", KerasNames.loss("mse", false)));
        assertTrue(metric.getMessage().contains(", accuracy, "), metric.getMessage());
    }
}
