package dev.kiln.nlp.source;

import java.nio.file.Path;

/** A text file of a class folder and the index of its class. */
public record LabeledFile(Path path, int classIndex) {}
