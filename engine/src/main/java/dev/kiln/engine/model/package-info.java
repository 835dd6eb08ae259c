/**
 * Sequential and its training loop (Keras 2's fit, evaluate, predict, summary), the Engine it
 * computes on, and the sharded step: a batch is split into fixed shards that run in parallel and
 * whose gradients are reduced in shard order, so results do not depend on the thread count.
 */
package dev.kiln.engine.model;
