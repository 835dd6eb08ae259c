package dev.kiln.nlp.source;

/** What the labels of a CSV, TSV or JSON Lines file are. */
public enum LabelType {
    /** Class names, numbered in sorted order; numbers among them are names too. */
    CLASSES,
    /** Numbers, kept as {@link Label.Value}s. */
    NUMBERS
}
