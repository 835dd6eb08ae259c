/**
 * Stateful metrics with Keras' formulas and log names: each updates running sums batch by batch,
 * saves them for exact resume, and is rebuilt from its config by
 * {@link dev.kiln.engine.metric.Metrics#registry()}.
 */
package dev.kiln.engine.metric;
