/**
 * Dataset: a re-iterable pipeline in the manner of tf.data (shuffle with a buffer and a new
 * order per pass, batch, map, take, prefetch on a background thread). Deterministic for a given
 * seed. A pass is a closeable {@link dev.kiln.engine.data.DatasetIterator}: closing it stops its
 * prefetch threads and drops what its stages buffer.
 */
package dev.kiln.engine.data;
