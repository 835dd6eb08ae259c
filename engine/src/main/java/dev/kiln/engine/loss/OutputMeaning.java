package dev.kiln.engine.loss;

/** What a model's outputs mean under its loss: how a prediction becomes an answer. */
public enum OutputMeaning {
    /** One logit per output, each an independent yes/no (probability = sigmoid). */
    LOGITS,
    /** One probability per output, each an independent yes/no. */
    PROBABILITIES,
    /** Scores of mutually exclusive classes (probabilities = softmax). */
    CLASS_LOGITS,
    /** Probabilities of mutually exclusive classes. */
    CLASS_PROBABILITIES,
    /** Values (regression). */
    VALUES
}
