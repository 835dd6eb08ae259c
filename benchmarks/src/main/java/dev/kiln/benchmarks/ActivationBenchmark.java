package dev.kiln.benchmarks;

import dev.kiln.engine.kernel.Activations;
import jdk.incubator.vector.FloatVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Sigmoid and tanh over an array that fits in L1, vector kernels against their scalar references
 * (java.lang.Math in double precision) in the same class. Score = calls per second; elements per
 * second = score * n. Setup fails fast if the vector result is off by more than 1e-6.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
public class ActivationBenchmark {
    @Param({"4096"})
    public int n;

    float[] x;
    float[] y;
    Activations activations;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(1);
        x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (random.nextFloat() - 0.5f) * 16f;
        }
        y = new float[n];
        activations = new Activations(FloatVector.SPECIES_PREFERRED);
        activations.sigmoid(n, x, 0, y, 0);
        for (int i = 0; i < n; i++) {
            if (Math.abs(y[i] - Activations.sigmoidScalar(x[i])) > 1e-6f) {
                throw new IllegalStateException("vector sigmoid is off at " + x[i]);
            }
        }
    }

    @Benchmark
    public float[] sigmoidVector() {
        activations.sigmoid(n, x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] sigmoidScalar() {
        Activations.mapScalar(n, x, 0, y, 0, Activations::sigmoidScalar);
        return y;
    }

    @Benchmark
    public float[] tanhVector() {
        activations.tanh(n, x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] tanhScalar() {
        Activations.mapScalar(n, x, 0, y, 0, Activations::tanhScalar);
        return y;
    }
}
