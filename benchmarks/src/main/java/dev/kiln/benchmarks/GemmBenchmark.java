package dev.kiln.benchmarks;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Gemm;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * SGEMM C = A * B (row-major, no transposes) on the shapes Kiln's layers use, on 1 and 2 threads,
 * with the scalar reference in the same class. Score = calls per second; GFLOPS = score * 2mnk / 1e9
 * ({@link KernelReport} prints that table). Setup checks the vector result against the scalar
 * reference before anything is timed.
 *
 * <p>HOW TO RUN: {@code ./benchmarks/run-kernels} prints the table; raw JMH:
 * {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar GemmBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
public class GemmBenchmark {
    /**
     * m x k times k x n, written "MxK*KxN". The first two are an LSTM's: dh = dz U^T of one step
     * (a shard of 16 rows, 64 units) and a chunk's input projection in a stacked model's second layer.
     */
    @Param({"16x256*256x64", "512x128*128x128", "64x128*128x256", "64x64*64x256", "64x256*256x64", "4096x64*64x256",
            "1024x1024*1024x1024"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    int m;
    int n;
    int k;
    float[] a;
    /** A stored transposed, k x m, as weight gradients read it (X^T dZ). */
    float[] aTransposed;
    float[] b;
    float[] c;
    ComputePool pool;
    /** B packed once, as an LSTM packs its kernels once per pass. */
    Gemm.PackedMatrix packedB;
    /** A's rows in a shuffled order within an array of the same size, for {@link #gatheredA}. */
    int[] rowStarts;
    Gemm gemm;

    @Setup(Level.Trial)
    public void setUp() {
        String[] sides = shape.split("\\*");
        String[] left = sides[0].split("x");
        String[] right = sides[1].split("x");
        m = Integer.parseInt(left[0]);
        k = Integer.parseInt(left[1]);
        n = Integer.parseInt(right[1]);
        Random random = new Random(42);
        a = randomArray(random, m * k);
        aTransposed = new float[k * m];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                aTransposed[p * m + i] = a[i * k + p];
            }
        }
        b = randomArray(random, k * n);
        c = new float[m * n];
        pool = ComputePool.withThreads(threads);
        gemm = new Gemm(FloatVector.SPECIES_PREFERRED, pool);
        verifyAgainstScalar();
        packedB = gemm.pack(false, k, n, b, 0, n);
        rowStarts = new int[m];
        for (int i = 0; i < m; i++) {
            rowStarts[i] = i * k;
        }
        for (int i = m - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = rowStarts[i];
            rowStarts[i] = rowStarts[j];
            rowStarts[j] = swap;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float[] vector() {
        gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        return c;
    }

    /** The same product with B packed beforehand (the LSTM's input projections and per-step products). */
    @Benchmark
    public float[] packedB() {
        gemm.sgemm(false, m, 1f, a, 0, k, packedB, 0f, c, 0, n);
        return c;
    }

    /**
     * The same product with B packed and A's rows read where they lie, in shuffled order (a
     * recurrent layer's inputs in its time-major order).
     */
    @Benchmark
    public float[] gatheredA() {
        gemm.sgemmGatheredA(m, 1f, a, rowStarts, packedB, 0f, c, 0, n);
        return c;
    }

    /** The same product with A stored transposed (op(A) = A^T), as a weight gradient X^T dZ reads it. */
    @Benchmark
    public float[] transposedA() {
        gemm.sgemm(true, false, m, n, k, 1f, aTransposed, 0, m, b, 0, n, 0f, c, 0, n);
        return c;
    }

    /** The plain triple loop; single-threaded whatever {@code threads} says. */
    @Benchmark
    public float[] scalar() {
        Gemm.sgemmScalar(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        return c;
    }

    /** Multiply-adds times two, the usual GEMM flop count. */
    public static double flops(String shape) {
        String[] sides = shape.split("\\*");
        String[] left = sides[0].split("x");
        String[] right = sides[1].split("x");
        return 2.0 * Double.parseDouble(left[0]) * Double.parseDouble(left[1]) * Double.parseDouble(right[1]);
    }

    private void verifyAgainstScalar() {
        int rows = Math.min(m, 64);
        float[] expected = new float[rows * n];
        float[] actual = new float[rows * n];
        Gemm.sgemmScalar(false, false, rows, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        gemm.sgemm(false, false, rows, n, k, 1f, a, 0, k, b, 0, n, 0f, actual, 0, n);
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > 1e-3f * (1 + Math.abs(expected[i]))) {
                throw new IllegalStateException("vector sgemm differs from the scalar reference at " + i
                        + ": " + actual[i] + " vs " + expected[i]);
            }
        }
    }

    static float[] randomArray(Random random, int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = random.nextFloat() * 2f - 1f;
        }
        return values;
    }
}
