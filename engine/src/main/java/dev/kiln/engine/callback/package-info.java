/**
 * Callbacks that watch fit, with Keras' counting and messages: History, EarlyStopping,
 * ReduceLROnPlateau, LearningRateScheduler, CsvLogger, TerminateOnNaN, LambdaCallback and the
 * Keras 2 progress bar; and what exact resume needs (FitPosition, FitProgress, StatefulCallback).
 * They see the model only through TrainingContext, so this package does not depend on the model
 * package.
 */
package dev.kiln.engine.callback;
