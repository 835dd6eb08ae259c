package dev.kiln.engine.model;

import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.callback.EarlyStopping;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.callback.Mode;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.data.DatasetIterator;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long-lived process fitting model after model must not accumulate prefetch threads or their
 * batches. Every element that crosses a prefetch queue carries 16 KB of ballast, so one leaked
 * pass (a producer blocked on its full queue) holds about 64 KB and 450 of them far more than the
 * heap margin allowed.
 */
class LeakTest {
    private static final int ROUNDS = 500;
    private static final int MEASURE_AFTER = 50;
    private static final int BALLAST_BYTES = 16 * 1024;
    private static final long HEAP_MARGIN_BYTES = 4L << 20;
    private static final int VOCABULARY = 6;

    /** A batch with ballast, as it sits in a prefetch queue. */
    private record Heavy(LabeledBatch batch, byte[] ballast) {}

    private static List<LabeledBatch> batches(long seed, int count) {
        Rng rng = new Rng(seed);
        List<LabeledBatch> batches = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            int[][] rows = new int[4][];
            float[] labels = new float[rows.length];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = new int[1 + rng.nextInt(3)];
                for (int t = 0; t < rows[r].length; t++) {
                    rows[r][t] = 1 + rng.nextInt(VOCABULARY - 1);
                }
                labels[r] = rng.nextInt(2);
            }
            batches.add(new LabeledBatch(TokenBatch.ofRows(rows), labels));
        }
        return batches;
    }

    /** shuffle -> ballast -> prefetch(2) -> strip, with a failure at batch {@code failAt} of every pass (-1: none). */
    private static Dataset<LabeledBatch> prefetched(List<LabeledBatch> batches, long seed, int failAt) {
        int[] served = {0};
        return Dataset.fromList(batches).shuffle(batches.size(), seed)
                .map(batch -> new Heavy(batch, new byte[BALLAST_BYTES]))
                .prefetch(2)
                .map(heavy -> {
                    if (served[0]++ == failAt) {
                        throw new IllegalStateException("bad batch");
                    }
                    return heavy.batch();
                });
    }

    private static Sequential tinyModel(long seed, ComputePool pool) {
        Sequential model = new Sequential(List.of(
                new Embedding(VOCABULARY, 2, true, "embedding"),
                new Bidirectional(new Lstm(2, false, "lstm"), "bidirectional"),
                new Dense(1, Activation.LINEAR, "dense")));
        model.build(0, new Rng(seed));
        model.compile(new Adam(0.01f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
        return model;
    }

    /** One fit in the ways a service might run it: plain, stopped early by a callback or by EarlyStopping, or failing. */
    private static void fitOnce(int round, ComputePool pool, List<LabeledBatch> train, List<LabeledBatch> validation) {
        Sequential model = tinyModel(round, pool);
        Dataset<LabeledBatch> validationData = prefetched(validation, round, -1);
        switch (round % 10) {
            case 3 -> {
                Callback stopAfterFirstEpoch = new Callback() {
                    @Override
                    public void onEpochEnd(int epoch, Logs logs) {
                        model.requestStop();
                    }
                };
                var history = model.fit(prefetched(train, round, -1), FitOptions.epochs(5).validation(validationData, 2).callbacks(List.of(stopAfterFirstEpoch)));
                assertEquals(1, history.epochs().size());
            }
            case 6 -> {
                var neverImproves = EarlyStopping.builder("val_loss").minDelta(1e9).mode(Mode.MIN).build();
                var history = model.fit(prefetched(train, round, -1), FitOptions.epochs(5).validation(validationData, 2).callbacks(List.of(neverImproves)));
                assertTrue(history.epochs().size() < 5, "stopped early: " + history.epochs());
            }
            case 9 -> assertEquals("bad batch", assertThrows(IllegalStateException.class,
                    () -> model.fit(prefetched(train, round, 2), FitOptions.epochs(1).validation(validationData, 2))).getMessage());
            default -> model.fit(prefetched(train, round, -1), FitOptions.epochs(1).validation(validationData, 2));
        }
    }

    @Test
    void fittingManyModelsLeavesNoThreadsOrBatchesBehind() {
        List<LabeledBatch> train = batches(1, 4);
        List<LabeledBatch> validation = batches(2, 10); // 2 validation steps of 10 batches: a pass left early every epoch
        try (ComputePool pool = ComputePool.singleThreaded()) {
            fitOnce(0, pool, train, validation); // warm-up: classes loaded, the Cleaner's thread started
            assertNoLeaks(round -> fitOnce(round, pool, train, validation));
        }
    }

    @Test
    void iterationsClosedEarlyLeaveNoThreadsOrBatchesBehind() {
        List<LabeledBatch> data = batches(3, 12);
        closeAfterAFew(data, 0);
        assertNoLeaks(round -> closeAfterAFew(data, round));
    }

    private static void closeAfterAFew(List<LabeledBatch> data, int round) {
        Dataset<LabeledBatch> dataset = prefetched(data, round, -1);
        try (DatasetIterator<LabeledBatch> batches = dataset.iterator()) {
            for (int i = 0; i < 1 + round % 3; i++) {
                batches.next();
            }
        }
    }

    /** Runs ROUNDS rounds; afterwards no new thread may be alive and the heap after GC may not have grown since round MEASURE_AFTER. */
    private static void assertNoLeaks(IntConsumer round) {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long prefetchThreadsBefore = prefetchThreads();
        long heapEarly = 0;
        long start = System.nanoTime();
        for (int r = 1; r <= ROUNDS; r++) {
            round.accept(r);
            if (r == MEASURE_AFTER) {
                heapEarly = usedHeapAfterGc();
            }
        }
        long heapLate = usedHeapAfterGc();
        Map<String, Long> newThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread))
                .collect(Collectors.groupingBy(Thread::getName, Collectors.counting()));
        long prefetchThreads = prefetchThreads();
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        long early = heapEarly;
        assertAll(
                () -> assertEquals(Map.of(), newThreads, "threads started during the rounds and still alive, by name"),
                () -> assertTrue(prefetchThreads <= prefetchThreadsBefore,
                        "live prefetch threads: " + prefetchThreads + ", " + prefetchThreadsBefore + " before"),
                // At most as many: the JVM's own threads (dynamic compiler threads) may end meanwhile.
                () -> assertTrue(threadsAfter <= threadsBefore, "live threads: " + threadsAfter + ", " + threadsBefore + " before"),
                () -> assertTrue(heapLate - early < HEAP_MARGIN_BYTES, "used heap after GC grew from " + early / 1024
                        + " KB (round " + MEASURE_AFTER + ") to " + heapLate / 1024 + " KB (round " + ROUNDS + ")"));
        System.out.printf("LeakTest: %d rounds in %.2f s; used heap after GC %d KB at round %d, %d KB at round %d%n", ROUNDS,
                (System.nanoTime() - start) / 1e9, heapEarly / 1024, MEASURE_AFTER, heapLate / 1024, ROUNDS);
    }

    private static long prefetchThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().equals("kiln-prefetch")).count();
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
