/**
 * Callbacks that write checkpoints: ModelCheckpoint (Keras arguments, crash-safe writes, NaN never
 * best, missing monitor never saves).
 */
package dev.kiln.checkpoint.callback;
