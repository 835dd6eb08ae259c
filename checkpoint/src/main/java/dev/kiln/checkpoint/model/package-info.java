/**
 * Whole-model files: ModelFile saves a Sequential (every layer config, vocabulary included,
 * weights, Adam state) in the v1 container and rebuilds it through a LayerRegistry, so a loaded
 * model predicts and continues training exactly where the saved one stopped.
 */
package dev.kiln.checkpoint.model;
