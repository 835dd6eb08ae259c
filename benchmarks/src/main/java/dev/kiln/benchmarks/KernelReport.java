package dev.kiln.benchmarks;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Runs the kernel benchmarks (peak FMA rate, SGEMM vector and scalar, sigmoid and tanh) in one
 * session and prints the Markdown tables of benchmarks/README.md: GFLOPS, the ratio to the scalar
 * reference and the fraction of the FMA peak, all measured in this same run.
 *
 * <p>Usage: {@code ./benchmarks/run-kernels [--quick]}. {@code --quick} shortens every
 * measurement (for a smoke test; its figures are not for publishing).
 */
public final class KernelReport {
    private KernelReport() {}

    public static void main(String[] args) throws RunnerException {
        boolean quick = List.of(args).contains("--quick");
        if (List.of(args).contains("--help")) {
            System.out.println("usage: run-kernels [--quick]\n  Runs the kernel JMH benchmarks and prints GFLOPS, ratios to the scalar"
                    + " reference and to the FMA peak measured in the same run.");
            return;
        }
        String peakBenchmark = PeakFlopsBenchmark.class.getName() + ".fmaChains";
        double peak = firstScore(run(quick, peakBenchmark, null, 1)) * PeakFlopsBenchmark.flopsPerStep() / 1e9;
        double peakBothCores = firstScore(run(quick, peakBenchmark, null, 2)) * PeakFlopsBenchmark.flopsPerStep() / 1e9;
        Collection<RunResult> vector = run(quick, GemmBenchmark.class.getName() + ".vector", null, 1);
        Collection<RunResult> scalar = run(quick, GemmBenchmark.class.getName() + ".scalar", "1", 1);
        Collection<RunResult> activations = run(quick, ActivationBenchmark.class.getName() + ".*", null, 1);
        Collection<RunResult> cells = run(quick, LstmCellBenchmark.class.getName() + ".*", null, 1);

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%nKernel report, %s, %d cores, vector width %d bits. FMA peak measured in this run:"
                        + " %.1f GFLOPS on 1 thread, %.1f GFLOPS on 2 threads%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), PeakFlopsBenchmark.SPECIES.vectorBitSize(),
                peak, peakBothCores));
        out.append("| SGEMM m x k * k x n | threads | GFLOPS | error (99.9%) | x scalar (1 thread) | of measured peak |\n");
        out.append("|---|---:|---:|---:|---:|---:|\n");
        for (RunResult result : vector) {
            String shape = result.getParams().getParam("shape");
            int threads = Integer.parseInt(result.getParams().getParam("threads"));
            double flops = GemmBenchmark.flops(shape);
            double gflops = result.getPrimaryResult().getScore() * flops / 1e9;
            double error = result.getPrimaryResult().getScoreError() * flops / 1e9;
            double scalarGflops = scoreFor(scalar, shape) * flops / 1e9;
            out.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.2f |%n",
                    shape, threads, gflops, error, gflops / scalarGflops, gflops / (threads == 1 ? peak : peakBothCores)));
        }
        out.append("\n| SGEMM scalar reference | GFLOPS |\n|---|---:|\n");
        for (RunResult result : scalar) {
            String shape = result.getParams().getParam("shape");
            out.append(String.format(Locale.ROOT, "| %s | %.2f |%n", shape,
                    result.getPrimaryResult().getScore() * GemmBenchmark.flops(shape) / 1e9));
        }
        out.append("\n| activation (n = 4096) | vector Melem/s | scalar Melem/s | x scalar |\n|---|---:|---:|---:|\n");
        for (String function : List.of("sigmoid", "tanh")) {
            double v = scoreFor(activations, function + "Vector") * 4096 / 1e6;
            double s = scoreFor(activations, function + "Scalar") * 4096 / 1e6;
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.1f |%n", function, v, s, v / s));
        }
        out.append("\n| LSTM cell | rows | units | vector M gate elements/s | scalar | x scalar |\n|---|---:|---:|---:|---:|---:|\n");
        for (String pass : List.of("forward", "backward")) {
            for (String units : List.of("64", "32")) {
                RunResult vectorCell = resultFor(cells, pass + "Vector", units);
                String rows = vectorCell.getParams().getParam("rows");
                double elements = Integer.parseInt(rows) * 4.0 * Integer.parseInt(units) / 1e6;
                double v = vectorCell.getPrimaryResult().getScore() * elements;
                double s = resultFor(cells, pass + "Scalar", units).getPrimaryResult().getScore() * elements;
                out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f | %.0f | %.1f |%n", pass, rows, units, v, s, v / s));
            }
        }
        System.out.println(out);
    }

    private static Collection<RunResult> run(boolean quick, String include, String threads, int jmhThreads)
            throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder().include(include).forks(1).threads(jmhThreads);
        if (threads != null) {
            options.param("threads", threads);
        }
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.milliseconds(300))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(300));
        }
        return new Runner(options.build()).run();
    }

    private static double firstScore(Collection<RunResult> results) {
        return results.iterator().next().getPrimaryResult().getScore();
    }

    /** The score of the result whose shape parameter or method name equals {@code key}. */
    private static double scoreFor(Collection<RunResult> results, String key) {
        return resultFor(results, key, null).getPrimaryResult().getScore();
    }

    /**
     * The result whose shape parameter or method name equals {@code key} and, unless {@code units}
     * is null, whose units parameter equals it.
     */
    private static RunResult resultFor(Collection<RunResult> results, String key, String units) {
        List<String> seen = new ArrayList<>();
        for (RunResult result : results) {
            String label = result.getParams().getBenchmark();
            String method = label.substring(label.lastIndexOf('.') + 1);
            String shape = result.getParams().getParam("shape");
            boolean unitsMatch = units == null || units.equals(result.getParams().getParam("units"));
            if ((key.equals(method) || key.equals(shape)) && unitsMatch) {
                return result;
            }
            seen.add(method + (shape == null ? "" : " " + shape));
        }
        throw new IllegalStateException("no benchmark result for " + key + (units == null ? "" : " at " + units + " units")
                + " among " + seen);
    }
}
