package dev.kiln.engine.autodiff;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectionCacheTest {
    private final float[] table = {1, 2, 3};
    private final float[] bias = {0.5f};

    @Test
    void twoDirectionsComputeAtTheSameTime() throws Exception {
        ProjectionCache cache = ProjectionCache.keeping();
        float[] forwardKernel = {1};
        float[] backwardKernel = {2};
        CountDownLatch bothComputing = new CountDownLatch(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // Each compute waits until the other has started: with one lock for the cache this times out.
            Future<Boolean> forward = threads.submit(() -> met(cache, forwardKernel, bothComputing));
            Future<Boolean> backward = threads.submit(() -> met(cache, backwardKernel, bothComputing));
            assertTrue(forward.get(10, TimeUnit.SECONDS), "the forward direction waited for the backward one");
            assertTrue(backward.get(10, TimeUnit.SECONDS), "the backward direction waited for the forward one");
        } finally {
            threads.shutdownNow();
        }
    }

    private boolean met(ProjectionCache cache, float[] kernel, CountDownLatch bothComputing) {
        boolean[] met = new boolean[1];
        cache.projection(table, kernel, bias, 3, projected -> {
            bothComputing.countDown();
            try {
                met[0] = bothComputing.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return met[0];
    }

    @Test
    void shardsAskingAtOnceForOneDirectionGetOneArrayComputedOnce() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 100; round++) {
                ProjectionCache cache = ProjectionCache.keeping();
                float[] kernel = {3};
                AtomicInteger computed = new AtomicInteger();
                CyclicBarrier start = new CyclicBarrier(2);
                Future<float[]> first = threads.submit(() -> {
                    start.await();
                    return cache.projection(table, kernel, bias, 3, projected -> computed.incrementAndGet());
                });
                Future<float[]> second = threads.submit(() -> {
                    start.await();
                    return cache.projection(table, kernel, bias, 3, projected -> computed.incrementAndGet());
                });
                assertSame(first.get(), second.get(), "round " + round);
                assertEquals(1, computed.get(), "round " + round);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aChangedWeightIsComputedAgainIntoTheSameArray() {
        ProjectionCache cache = ProjectionCache.keeping();
        float[] kernel = {2};
        float[] first = cache.projection(table, kernel, bias, 3, projected -> fill(projected, kernel[0]));
        assertArrayEquals(new float[] {2, 4, 6}, first);
        kernel[0] = 3;
        float[] second = cache.projection(table, kernel, bias, 3, projected -> fill(projected, kernel[0]));
        assertSame(first, second);
        assertArrayEquals(new float[] {3, 6, 9}, second);
        table[1] = 5;
        assertArrayEquals(new float[] {3, 15, 9}, cache.projection(table, kernel, bias, 3, projected -> fill(projected, kernel[0])));
    }

    private void fill(float[] projected, float factor) {
        for (int i = 0; i < table.length; i++) {
            projected[i] = table[i] * factor;
        }
    }
}
