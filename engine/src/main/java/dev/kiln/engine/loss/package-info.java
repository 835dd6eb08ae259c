/**
 * Losses with Keras' formulas, defaults, names and configs: each computes one example's loss and
 * gradient from its output and target rows, and the engine reduces them over the batch as Keras'
 * sum_over_batch_size does. {@link dev.kiln.engine.loss.Losses#registry()} rebuilds them from configs.
 */
package dev.kiln.engine.loss;
