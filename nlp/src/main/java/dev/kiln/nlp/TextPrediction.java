package dev.kiln.nlp;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a text model says about one text: for a classifier the predicted class and each class's
 * probability; for a regressor the predicted values; and always the model's raw outputs (logits,
 * probabilities or values, as its loss reads them).
 *
 * @param label         the predicted class (empty for a regressor or a multi-label model)
 * @param probabilities each class's probability, in the model's class order (empty for a regressor)
 * @param outputs       the model's outputs for the text
 */
public record TextPrediction(String text, Optional<String> label, Map<String, Double> probabilities, List<Double> outputs) {}
