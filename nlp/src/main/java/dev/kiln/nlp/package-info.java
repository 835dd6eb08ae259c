/**
 * Text: TextVectorization (Keras' standardize, split, n-gram and vocabulary rules, its int,
 * multi_hot, count and tf_idf outputs, String-free tokenizing and counting) and Texts, the
 * raw-string input of a model that starts with it. The IMDB reader is in the imdb subpackage; the
 * demo comes with issue 6. Depends on the engine and checkpoint modules.
 */
package dev.kiln.nlp;
