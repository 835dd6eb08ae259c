package dev.kiln.engine.autodiff;

import dev.kiln.engine.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class SharedOutputTest {

    @Test
    void directionsAskingAtOnceGetOneArray() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 200; round++) {
                SharedOutput output = new SharedOutput(3, 4);
                CyclicBarrier start = new CyclicBarrier(2);
                Future<float[]> first = threads.submit(() -> {
                    start.await();
                    return output.array();
                });
                Future<float[]> second = threads.submit(() -> {
                    start.await();
                    return output.array();
                });
                assertSame(first.get(), second.get(), "round " + round);
                assertSame(first.get(), output.tensor().data());
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void tensorHasTheRowsAndWidthAndStartsAtZero() {
        SharedOutput output = new SharedOutput(5, 2);
        assertEquals(Shape.of(5, 2), output.tensor().shape());
        assertArrayEquals(new float[10], output.array());
    }

    @Test
    void noDirectionWritingStillGivesTheTensor() {
        assertEquals(Shape.of(0, 7), new SharedOutput(0, 7).tensor().shape());
    }
}
