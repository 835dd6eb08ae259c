/**
 * Callbacks that watch fit: History, EarlyStopping (Keras 2's counting) and the Keras 2 progress
 * bar. They see the model only through TrainingContext, so this package does not depend on the
 * model package.
 */
package dev.kiln.engine.callback;
