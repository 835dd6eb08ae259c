/**
 * The hot loops, and only they, use the Vector API. Each family (Gemm, Arithmetic, Activations,
 * Reductions) has a scalar reference beside its vector form; the vector width is a constructor
 * argument, and Kernels.preferred is the one place that picks the CPU's widest. Vectorized loop
 * classes are specialised per width as hidden classes (Specialization) so the width is a JIT
 * constant. Threads come only from a ComputePool the caller passes in. Depends on nothing but
 * the JDK.
 */
package dev.kiln.engine.kernel;
