package dev.kiln.engine.callback;

/** Keras' history.params: verbosity, epochs, and steps per epoch (-1 when unknown). */
public record FitParameters(int verbose, int epochs, long steps) {}
