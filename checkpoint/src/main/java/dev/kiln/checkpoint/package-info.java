/**
 * Crash-safe binary checkpoints (issue 5). Depends on the engine only: it saves any model
 * through the engine's layer state interface and rebuilds it from a registry of layer factories,
 * without knowing the nlp module.
 */
package dev.kiln.checkpoint;
