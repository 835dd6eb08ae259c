/**
 * Kiln's engine: SIMD kernels, float32 tensors, reverse-mode autodiff, layers, losses, metrics,
 * optimizers, datasets, callbacks and the {@code Sequential} model with Keras' compile / fit /
 * evaluate / predict.
 *
 * <p>Every package is exported: each holds types a user names, whether to train a model
 * ({@code model}, {@code layer}, {@code loss}, {@code metric}, {@code optim}, {@code callback},
 * {@code data}, {@code tensor}, {@code random}), to pick threads and vector width
 * ({@code kernel}: {@code ComputePool}, {@code Kernels}), to write a custom layer or part
 * ({@code autodiff}: {@code Ops}, {@code Variable}; {@code part}), or to read a checkpoint's
 * JSON metadata ({@code json}, the strict reader and writer the checkpoint module uses). What is
 * internal is package-private inside those packages (the vector loops and their hidden-class
 * specialisation, the fit loop, the sharded step, the dataset iterators), so no package is left to
 * hide.
 *
 * <p>The Vector API is required transitively because the kernel API names its types
 * ({@code Kernels.of(VectorSpecies, ComputePool)}): a module that reads this one reads it too.
 * Nothing is opened: the engine reflects on nothing but its own class files (to define the
 * per-width kernel copies), which needs no {@code opens}.
 */
module dev.kiln.engine {
    requires transitive jdk.incubator.vector;

    exports dev.kiln.engine.autodiff;
    exports dev.kiln.engine.callback;
    exports dev.kiln.engine.data;
    exports dev.kiln.engine.json;
    exports dev.kiln.engine.kernel;
    exports dev.kiln.engine.layer;
    exports dev.kiln.engine.loss;
    exports dev.kiln.engine.metric;
    exports dev.kiln.engine.model;
    exports dev.kiln.engine.optim;
    exports dev.kiln.engine.part;
    exports dev.kiln.engine.random;
    exports dev.kiln.engine.tensor;
}
