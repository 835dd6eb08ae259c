/**
 * Dataset: a re-iterable pipeline in the manner of tf.data (shuffle with a buffer and a new
 * order per pass, batch, map, take, prefetch on a background thread). Deterministic for a given
 * seed.
 */
package dev.kiln.engine.data;
