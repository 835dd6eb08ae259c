/**
 * What every pluggable part shares, so that a checkpoint saves and rebuilds any model without
 * knowing the concrete classes: {@link dev.kiln.engine.part.Part} (a config whose type is the
 * registry key), {@link dev.kiln.engine.part.Stateful} (a state saved for exact resume),
 * {@link dev.kiln.engine.part.PartConfig} with validating getters,
 * {@link dev.kiln.engine.part.PartState}, and {@link dev.kiln.engine.part.PartRegistry}, where
 * one line registers a part. Layers, losses, metrics, optimizers, schedules and stateful
 * callbacks all build on these.
 */
package dev.kiln.engine.part;
