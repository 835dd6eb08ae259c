/**
 * Layers: each a final class implementing Layer, which exposes its config (constructor
 * arguments, the registry key for rebuilding it) and its trainable parameters. Values between
 * layers are TokenBatch (ids with true lengths, no padding), SequenceBatch (one vector per real
 * token) and FeatureBatch (one vector per example). Layers compute only through Ops; they hold
 * no threads and no kernels. A layer is built from a ParameterSource (fresh initial values or
 * saved tensors, each checked against the shape its config implies) against the ValueSpec of
 * what the layer before it outputs; configs from files are validated by PartConfig's getters.
 */
package dev.kiln.engine.layer;
