/**
 * A user's own labelled texts: {@link dev.kiln.nlp.source.TextFolder} reads a folder of class
 * folders with Keras' {@code text_dataset_from_directory} semantics;
 * {@link dev.kiln.nlp.source.TextTable} streams CSV, TSV and JSON Lines files (gzip or not) in
 * bounded memory, with a one-pass {@link dev.kiln.nlp.source.TextTable#scan scan} for the label
 * set. Both give {@link dev.kiln.nlp.source.TextExample}s as an engine
 * {@link dev.kiln.engine.data.Dataset}, to shuffle and batch ({@code TextExample.toBatch}). Every
 * error about the data is a {@link dev.kiln.nlp.source.TextSourceException} naming the file, the
 * line, the column, the value found and what is allowed. Depends on the engine only; it does not
 * know the command line.
 */
package dev.kiln.nlp.source;
