package dev.kiln.engine.model;

import dev.kiln.engine.autodiff.InputProjection;
import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.ProjectionCache;
import dev.kiln.engine.autodiff.StepBuffers;
import dev.kiln.engine.autodiff.StepNoise;
import dev.kiln.engine.autodiff.StepPhases;
import dev.kiln.engine.optim.Optimizer;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.layer.FeatureBatch;
import dev.kiln.engine.layer.LayerValue;
import dev.kiln.engine.loss.Loss;
import dev.kiln.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One forward (and, when training, backward) pass over a batch split into fixed shards of
 * {@code shardSize} examples. Shards run in parallel on the pool, each on its own tape with
 * views of the parameters that share their values but collect their own gradients; the shard
 * gradients are then added into the parameters in shard order. The shards depend only on the
 * batch, never on the thread count, so any number of threads gives bit-identical results.
 *
 * <p>Each shard position keeps its working arrays ({@link StepBuffers}) from one step to the next
 * until {@link #releaseBuffers}; steps run one at a time.
 */
final class ShardedStep {
    private final Sequential model;
    private final Loss loss;
    private final Kernels kernels;
    private final ComputePool pool;
    private final int shardSize;
    private final int inferenceShardSize;
    private final InputProjection inputProjection;
    private final StepPhases phases;
    private final List<StepBuffers> shardBuffers = new ArrayList<>();
    /** One table projection per LSTM direction and batch, shared by the shards. */
    private final ProjectionCache projections = ProjectionCache.keeping();

    ShardedStep(Sequential model, Loss loss, Engine engine) {
        this.model = model;
        this.loss = loss;
        this.kernels = engine.kernels();
        this.pool = engine.pool();
        this.shardSize = engine.shardSize(); // >= 1, checked by Engine
        this.inferenceShardSize = engine.inferenceShardSize();
        this.inputProjection = engine.inputProjection();
        this.phases = engine.phases();
    }

    /** What a step computes: outputs only, outputs and loss, or also gradients (added to the parameters). */
    enum Pass { PREDICT, EVALUATE, TRAIN }

    /** The batch's loss (0 when predicting: the targets are not read) and its outputs. */
    synchronized Result run(LabeledBatch batch, Pass pass) {
        return run(batch, pass, 0);
    }

    /** The same, at training step {@code step} (the optimizer's step count: it keys dropout's draws). */
    private Result run(LabeledBatch batch, Pass pass, long step) {
        boolean train = pass == Pass.TRAIN;
        int size = batch.size();
        int shardSize = train ? this.shardSize : inferenceShardSize;
        int shards = (size + shardSize - 1) / shardSize;
        while (shardBuffers.size() < shards) {
            shardBuffers.add(StepBuffers.reused(projections));
        }
        List<Variable> parameters = model.parameters();
        ShardResult[] results = new ShardResult[shards];
        long began = phases.start();
        // The first shard adds its gradients straight into the parameters'; the others keep their
        // own, added after it below in shard order (one shard: nothing to add).
        pool.parallelFor(shards, shard -> {
            int from = shard * shardSize;
            int to = Math.min(size, from + shardSize);
            StepBuffers buffers = shardBuffers.get(shard);
            buffers.rewind();
            results[shard] = runShard(batch.slice(from, to), size, parameters, pass, shard == 0, buffers,
                    new StepNoise(step, from));
        });
        phases.stop(StepPhases.Phase.MODEL_WALL, began);
        began = phases.start();
        double total = 0;
        int width = results[0].width;
        float[] outputs = new float[size * width];
        for (int shard = 0; shard < shards; shard++) {
            total += results[shard].loss;
            System.arraycopy(results[shard].outputs, 0, outputs, shard * shardSize * width, results[shard].outputs.length);
            List<float[]> own = results[shard].gradients; // empty where the shard added into the parameters'
            for (int p = 0; p < own.size(); p++) {
                kernels.arithmetic().axpy(parameters.get(p).value().size(), 1f, own.get(p), 0, parameters.get(p).grad().data(), 0);
            }
        }
        phases.stop(StepPhases.Phase.OPTIMIZER_WALL, began);
        return new Result(total, outputs, width);
    }

    /** A training step: gradients of the batch's loss, then the optimizer's update (no other step in between). */
    synchronized Result train(LabeledBatch batch, Optimizer optimizer) {
        Result result = run(batch, Pass.TRAIN, optimizer.iterations());
        long began = phases.start();
        optimizer.step(model.parameters(), pool);
        phases.stop(StepPhases.Phase.OPTIMIZER_WALL, began);
        return result;
    }

    /** Drops the working arrays kept between steps (the next step allocates them again). */
    synchronized void releaseBuffers() {
        shardBuffers.clear();
        projections.clear();
    }

    private ShardResult runShard(LabeledBatch shard, int batchSize, List<Variable> parameters, Pass pass,
                                 boolean intoParameters, StepBuffers buffers, StepNoise noise) {
        long began = phases.start();
        boolean train = pass == Pass.TRAIN;
        Tape tape = train ? Tape.recording() : Tape.inference();
        Map<Variable, Variable> views = new IdentityHashMap<>();
        if (train) {
            for (Variable parameter : parameters) {
                views.put(parameter, intoParameters ? parameter.sharingGradient()
                        : Variable.parameter(parameter.value(), parameter.name()));
            }
        }
        Ops ops = new Ops(kernels, tape, views, inputProjection, buffers, phases, noise);
        LayerValue output = model.forward(shard.inputs(), ops);
        if (!(output instanceof FeatureBatch features)) {
            throw new IllegalStateException("the model must end in one vector per example, it outputs " + output);
        }
        Variable outputs = features.values();
        int width = outputs.shape().dim(1);
        if (pass == Pass.PREDICT) {
            phases.stop(StepPhases.Phase.SHARDS, began);
            return new ShardResult(0, outputs.data(), width, List.of());
        }
        requireTargetsFit(width, shard.targetWidth());
        Variable shardLoss = ops.exampleLoss(outputs, loss, shard.targets(), shard.targetWidth(), shard.weights(), batchSize);
        List<float[]> gradients = new ArrayList<>();
        if (train) {
            tape.backward(shardLoss);
        }
        if (train && !intoParameters) { // a gradient of its own, for run() to add
            for (Variable parameter : parameters) {
                Tensor grad = views.get(parameter).grad();
                gradients.add(grad.data());
            }
        }
        phases.stop(StepPhases.Phase.SHARDS, began);
        return new ShardResult(shardLoss.value().item(), outputs.data(), width, gradients);
    }

    /** The model's output width must suit the loss, and the batch carry as many targets as the loss reads. */
    private void requireTargetsFit(int outputWidth, int targetWidth) {
        loss.requireOutputWidth(outputWidth);
        if (loss.targetWidth(outputWidth) != targetWidth) {
            throw new IllegalArgumentException(loss.config().type() + " on " + outputWidth + " outputs per example needs "
                    + loss.targetWidth(outputWidth) + " targets per example; the batch has " + targetWidth);
        }
    }

    /** gradients: the shard's own, in parameter order; empty when it added into the parameters' (or did not train). */
    private record ShardResult(double loss, float[] outputs, int width, List<float[]> gradients) {}

    /** The batch's loss (Keras' sum_over_batch_size) and the model's outputs, {@code width} per example. */
    record Result(double loss, float[] outputs, int width) {}
}
