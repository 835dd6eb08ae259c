package dev.kiln.benchmarks;

import dev.kiln.engine.kernel.LstmCell;
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
 * One LSTM step's cell for a 64-row shard, as the recurrence calls it: the vector kernel against
 * its scalar reference in the same class. Score = calls per second; gate elements per second =
 * score * rows * 4 * units. Inputs are uniform in [-1, 1); forward overwrites the pre-activations
 * with the activations and backward overwrites dc, so later calls see other values: the kernels
 * have no data-dependent branches, so the cost is the same. Setup fails fast if the vector forward
 * is off the reference by more than 1e-6.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
public class LstmCellBenchmark {
    @Param({"64"})
    public int rows;

    /** 64: the seed model's LSTM; 32: the stacked model's second one. */
    @Param({"64", "32"})
    public int units;

    float[] gates;
    float[] cPrev;
    float[] c;
    float[] tanhC;
    float[] h;
    float[] dh;
    float[] dc;
    float[] dz;
    LstmCell cell;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(1);
        gates = GemmBenchmark.randomArray(random, rows * 4 * units);
        cPrev = GemmBenchmark.randomArray(random, rows * units);
        c = new float[rows * units];
        tanhC = new float[rows * units];
        h = new float[rows * units];
        dh = GemmBenchmark.randomArray(random, rows * units);
        dc = GemmBenchmark.randomArray(random, rows * units);
        dz = new float[rows * 4 * units];
        cell = new LstmCell(FloatVector.SPECIES_PREFERRED);
        float[] referenceGates = gates.clone();
        float[] referenceH = new float[h.length];
        LstmCell.forwardScalar(rows, units, referenceGates, 0, cPrev, 0, new float[c.length], 0, new float[c.length], 0,
                referenceH, 0);
        cell.forward(rows, units, gates, 0, cPrev, 0, c, 0, tanhC, 0, h, 0);
        for (int i = 0; i < h.length; i++) {
            if (Math.abs(h[i] - referenceH[i]) > 1e-6f) {
                throw new IllegalStateException("vector LSTM cell is off at element " + i);
            }
        }
    }

    @Benchmark
    public float[] forwardVector() {
        cell.forward(rows, units, gates, 0, cPrev, 0, c, 0, tanhC, 0, h, 0);
        return h;
    }

    @Benchmark
    public float[] forwardScalar() {
        LstmCell.forwardScalar(rows, units, gates, 0, cPrev, 0, c, 0, tanhC, 0, h, 0);
        return h;
    }

    @Benchmark
    public float[] backwardVector() {
        cell.backward(rows, units, gates, 0, cPrev, 0, tanhC, 0, dh, 0, dc, 0, dz, 0);
        return dz;
    }

    @Benchmark
    public float[] backwardScalar() {
        LstmCell.backwardScalar(rows, units, gates, 0, cPrev, 0, tanhC, 0, dh, 0, dc, 0, dz, 0);
        return dz;
    }
}
