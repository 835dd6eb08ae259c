/**
 * Sequential and its training loop (Keras' compile, fit, evaluate, predict, summary), FitOptions,
 * the Engine it computes on, ModelParts (the registries a loader rebuilds a compiled model from),
 * and the sharded step: a batch is split into fixed shards that run in parallel and whose
 * gradients are reduced in shard order, so results do not depend on the thread count.
 */
package dev.kiln.engine.model;
