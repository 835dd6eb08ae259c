/**
 * Optimizers with Keras 3's formulas and configs (Adam with amsgrad, AdamW, RMSprop, SGD with
 * momentum and nesterov), their shared machinery (learning-rate schedules, gradient clipping,
 * weight decay, slots saved as state) and the registry that rebuilds them from configs.
 */
package dev.kiln.engine.optim;
