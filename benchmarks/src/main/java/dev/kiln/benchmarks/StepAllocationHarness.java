package dev.kiln.benchmarks;

import com.sun.management.ThreadMXBean;
import dev.kiln.engine.autodiff.InputProjection;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Heap bytes one training step allocates, on every thread: the steps of {@link TrainingStepBenchmark}
 * (same model, same 16 IMDB-like batches), counted with the JVM's per-thread allocation counters
 * before and after 160 steps, after 200 steps of warm-up, three times. JMH's {@code -prof gc} gave
 * per-step figures here that disagreed tenfold with its own allocation rate divided by the step rate
 * (2026-12-04 night), and a recurrent layer now makes its largest arrays on whichever of the pool's
 * threads needs them first, so the calling thread alone undercounts.
 *
 * <p>{@code H StepAllocationHarness [--model seed|stacked|gru] [--threads N]}
 */
public final class StepAllocationHarness {
    private static final int WARM_UP_STEPS = 200;
    private static final int MEASURED_STEPS = 160;

    private StepAllocationHarness() {}

    private static final String USAGE = """
            StepAllocationHarness: heap bytes one training step allocates, on every thread.
              --model seed|stacked|gru    the model (seed)
              --threads N                 threads, the caller included (2)""";

    public static void main(String[] args) {
        HarnessOptions options = HarnessOptions.parse(args, USAGE, Set.of("--model", "--threads"), Set.of());
        String model = options.value("--model", "seed");
        int threads = options.count("--threads", 2);
        ThreadMXBean counters = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<LabeledBatch> batches = ImdbLikeBatches.batches(11, 16, 64);
        try (ComputePool pool = ComputePool.withThreads(threads)) {
            Sequential network = ImdbLikeBatches.compiledModel(model, pool, InputProjection.AUTO);
            for (int step = 0; step < WARM_UP_STEPS; step++) {
                network.trainOnBatch(batches.get(step % batches.size()));
            }
            for (int round = 1; round <= 3; round++) {
                long before = counters.getTotalThreadAllocatedBytes();
                for (int step = 0; step < MEASURED_STEPS; step++) {
                    network.trainOnBatch(batches.get(step % batches.size()));
                }
                double perStep = (counters.getTotalThreadAllocatedBytes() - before) / 1e6 / MEASURED_STEPS;
                System.out.printf(Locale.ROOT, "%s model, %d threads, round %d: %.2f MB allocated per training step (all threads)%n",
                        model, threads, round, perStep);
            }
        }
    }

}
