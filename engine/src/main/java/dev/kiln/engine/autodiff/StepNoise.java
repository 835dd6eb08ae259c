package dev.kiln.engine.autodiff;

/**
 * Where a shard's random numbers come from: the training step (the optimizer's step count before
 * the update) and the index in the batch of the shard's first example. With the layer's seed and
 * the element's position these key {@link dev.kiln.engine.random.CounterRandom}, so dropout masks
 * do not depend on the thread count or on how the batch is split.
 */
public record StepNoise(long step, int firstExample) {

    /** Outside a training step: step 0, the first example at 0. */
    public static StepNoise none() {
        return new StepNoise(0, 0);
    }
}
