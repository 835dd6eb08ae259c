package dev.kiln.benchmarks;

import dev.kiln.engine.model.ModelParts;
import dev.kiln.checkpoint.format.TensorFile;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.part.PartState;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Checkpoint speed. The seed model (138,369 parameters) with its Adam state (m and v: 1.66 MB
 * file): save with fsync (temporary file, force, atomic rename, folder force) and load (verify
 * every CRC, rebuild the layers, copy weights and moments). And a 1 GiB synthetic checkpoint
 * (16 tensors of 64 MiB): write without fsync, and read with every CRC verified. Files go to
 * {@code -Dkiln.bench.dir} (default: the system temp folder). GB/s = 2^30 bytes / time. The heap
 * is pre-touched so the figures measure the format, not the first touch of fresh heap pages.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-Xms6g", "-Xmx6g", "-XX:+AlwaysPreTouch"})
public class CheckpointBenchmark {

    @State(Scope.Benchmark)
    public static class SeedModel {
        Path dir;
        Path file;
        Sequential model;
        Adam adam;
        AtomicFileWriter fsync = new AtomicFileWriter(true);
        ModelParts registry = ModelParts.engine();

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory(Path.of(System.getProperty("kiln.bench.dir", System.getProperty("java.io.tmpdir"))),
                    "kiln-bench");
            file = dir.resolve("seed.kiln");
            model = ImdbLikeBatches.seedModel(1);
            adam = new Adam(1e-4);
            Map<String, Tensor> slots = new LinkedHashMap<>(); // a trained Adam's state: moments the size of the weights
            model.parameters().forEach(p -> {
                slots.put("m/" + p.name(), p.value().copy());
                slots.put("v/" + p.name(), p.value().copy());
            });
            adam.restoreState(new PartState(Map.of("iterations", 391L), slots));
            model.compile(adam, BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()),
                    Engine.on(ComputePool.singleThreaded()));
            ModelFile.save(file, model, fsync);
            System.out.printf("%n# seed model file: %,d bytes%n", Files.size(file));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            deleteTree(dir);
        }
    }

    @State(Scope.Benchmark)
    public static class OneGibibyte {
        static final int TENSORS = 16;
        Path dir;
        Path file;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        AtomicFileWriter noFsync = new AtomicFileWriter(false);

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory(Path.of(System.getProperty("kiln.bench.dir", System.getProperty("java.io.tmpdir"))),
                    "kiln-bench");
            file = dir.resolve("big.kiln");
            for (int t = 0; t < TENSORS; t++) {
                float[] data = new float[(1 << 30) / 4 / TENSORS];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (i * 31 + t) * 1e-3f;
                }
                tensors.put("layer" + t + "/kernel", Tensor.wrap(data, Shape.of(4096, data.length / 4096)));
            }
            TensorFile.write(file, "{}", tensors, noFsync);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            deleteTree(dir);
        }
    }

    @Benchmark
    public Path saveSeedModelWithFsync(SeedModel state) throws IOException {
        ModelFile.save(state.file, state.model, state.fsync);
        return state.file;
    }

    @Benchmark
    public Sequential loadSeedModel(SeedModel state) throws IOException {
        return ModelFile.load(state.file, state.registry).model();
    }

    @Benchmark
    public Path write1GiBWithoutFsync(OneGibibyte state) throws IOException {
        TensorFile.write(state.file, "{}", state.tensors, state.noFsync);
        return state.file;
    }

    @Benchmark
    public int read1GiBVerifyingEveryCrc(OneGibibyte state) throws IOException {
        return TensorFile.read(state.file).tensors().size();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
