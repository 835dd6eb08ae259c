/**
 * Optimizers: Adam in Keras' epsilon-hat form and plain Sgd. They update parameters from their
 * accumulated gradients and then clear them.
 */
package dev.kiln.engine.optim;
