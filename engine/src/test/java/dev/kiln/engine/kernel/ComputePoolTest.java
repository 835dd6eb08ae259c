package dev.kiln.engine.kernel;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ComputePoolTest {

    @Test
    void everyTaskRunsExactlyOnce() {
        try (ComputePool pool = ComputePool.withThreads(3)) {
            for (int count : new int[] {0, 1, 2, 7, 1000}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                pool.parallelFor(count, runs::incrementAndGet);
                for (int i = 0; i < count; i++) {
                    assertEquals(1, runs.get(i), "task " + i + " of " + count);
                }
            }
        }
    }

    @Test
    void nestedCallsRunInlineInsteadOfDeadlocking() {
        try (ComputePool pool = ComputePool.withThreads(2)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(16);
            pool.parallelFor(4, outer -> pool.parallelFor(4, inner -> runs.incrementAndGet(outer * 4 + inner)));
            for (int i = 0; i < 16; i++) {
                assertEquals(1, runs.get(i));
            }
        }
    }

    @Test
    void aFailingTaskFailsTheCall() {
        try (ComputePool pool = ComputePool.withThreads(2)) {
            IllegalStateException boom = new IllegalStateException("boom");
            var thrown = assertThrows(IllegalStateException.class, () -> pool.parallelFor(10, i -> {
                if (i == 7) {
                    throw boom;
                }
            }));
            assertSame(boom, thrown);
        }
    }

    @Test
    void concurrentCallersAndParkedWorkersStillRunEveryTaskOnce() throws Exception {
        try (ComputePool pool = ComputePool.withThreads(2)) {
            AtomicIntegerArray first = new AtomicIntegerArray(5_000);
            AtomicIntegerArray second = new AtomicIntegerArray(5_000);
            Thread other = Thread.ofPlatform().start(() -> {
                for (int round = 0; round < 200; round++) {
                    int r = round;
                    pool.parallelFor(25, i -> second.incrementAndGet(25 * r + i));
                }
            });
            for (int round = 0; round < 200; round++) {
                int r = round;
                pool.parallelFor(25, i -> first.incrementAndGet(25 * r + i));
            }
            other.join();
            Thread.sleep(5); // longer than the workers spin: they park, and must wake for the next call
            AtomicIntegerArray late = new AtomicIntegerArray(64);
            pool.parallelFor(64, late::incrementAndGet);
            for (int i = 0; i < 5_000; i++) {
                assertEquals(1, first.get(i), "first caller, task " + i);
                assertEquals(1, second.get(i), "second caller, task " + i);
            }
            for (int i = 0; i < 64; i++) {
                assertEquals(1, late.get(i), "after parking, task " + i);
            }
        }
    }

    /** A process that makes pool after pool keeps no threads: close returns when the workers have ended. */
    @Test
    void closeEndsEveryWorkerBeforeItReturns() {
        long before = computeThreads();
        for (int round = 0; round < 50; round++) {
            ComputePool pool = ComputePool.withThreads(3);
            AtomicIntegerArray hits = new AtomicIntegerArray(64);
            pool.parallelFor(64, hits::incrementAndGet);
            assertEquals(before + 2, computeThreads(), "two workers while the pool is open");
            pool.close();
            assertEquals(before, computeThreads(), "live kiln-compute threads after close, round " + round);
        }
    }

    private static long computeThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("kiln-compute") && t.isAlive()).count();
    }

    @Test
    void threadCountMustBePositive() {
        var error = assertThrows(IllegalArgumentException.class, () -> ComputePool.withThreads(0));
        assertEquals("threads must be >= 1, got 0", error.getMessage());
    }
}
