/**
 * Text: the TextVectorization layer, the IMDB dataset reader and the demo (issues 4 and 6).
 * Depends on the engine and checkpoint modules.
 */
package dev.kiln.nlp;
