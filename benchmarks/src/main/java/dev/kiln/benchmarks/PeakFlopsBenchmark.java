package dev.kiln.benchmarks;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * This core's FMA peak as the Vector API reaches it: 16 independent chains of fused
 * multiply-adds on the preferred vector width, nothing loaded or stored. Score = chain steps per
 * second; GFLOPS = score * 16 chains * lanes * 2 / 1e9. The kernel tables divide by this figure,
 * measured in the same run, to give "fraction of peak".
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
public class PeakFlopsBenchmark {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int STEPS = 1 << 14;
    public static final int CHAINS = 16;

    float multiplier = 0.999f;
    float addend = 0.001f;

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public float fmaChains() {
        FloatVector m = FloatVector.broadcast(SPECIES, multiplier);
        FloatVector b = FloatVector.broadcast(SPECIES, addend);
        FloatVector a0 = b, a1 = b.add(1f), a2 = b.add(2f), a3 = b.add(3f);
        FloatVector a4 = b.add(4f), a5 = b.add(5f), a6 = b.add(6f), a7 = b.add(7f);
        FloatVector a8 = b.add(8f), a9 = b.add(9f), a10 = b.add(10f), a11 = b.add(11f);
        FloatVector a12 = b.add(12f), a13 = b.add(13f), a14 = b.add(14f), a15 = b.add(15f);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(m, b);
            a1 = a1.fma(m, b);
            a2 = a2.fma(m, b);
            a3 = a3.fma(m, b);
            a4 = a4.fma(m, b);
            a5 = a5.fma(m, b);
            a6 = a6.fma(m, b);
            a7 = a7.fma(m, b);
            a8 = a8.fma(m, b);
            a9 = a9.fma(m, b);
            a10 = a10.fma(m, b);
            a11 = a11.fma(m, b);
            a12 = a12.fma(m, b);
            a13 = a13.fma(m, b);
            a14 = a14.fma(m, b);
            a15 = a15.fma(m, b);
        }
        FloatVector sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7)
                .add(a8).add(a9).add(a10).add(a11).add(a12).add(a13).add(a14).add(a15);
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /** GFLOPS of one chain step per second. */
    public static double flopsPerStep() {
        return 2.0 * CHAINS * SPECIES.length();
    }
}
