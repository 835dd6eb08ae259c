/**
 * Dense float32 tensors: a Shape and a row-major float[]. No arithmetic here; that is the
 * kernels' job and the autodiff operations'.
 */
package dev.kiln.engine.tensor;
