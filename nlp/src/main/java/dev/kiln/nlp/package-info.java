/**
 * Text: TextVectorization (Keras' standardize, split and vocabulary rules, String-free tokenizing
 * and counting) and Texts, the raw-string input of a model that starts with it. The IMDB reader
 * is in the imdb subpackage; the demo comes with issue 6. Depends on the engine and checkpoint
 * modules.
 */
package dev.kiln.nlp;
