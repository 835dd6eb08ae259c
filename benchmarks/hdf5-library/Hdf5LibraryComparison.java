import dev.kiln.checkpoint.hdf5.Hdf5Dataset;
import dev.kiln.checkpoint.hdf5.Hdf5File;
import dev.kiln.checkpoint.hdf5.Hdf5Group;
import dev.kiln.checkpoint.hdf5.Hdf5Object;
import dev.kiln.checkpoint.io.CheckpointFormatException;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import io.jhdf.exceptions.HdfException;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.ZipFile;

/**
 * The evidence behind checkpoint/HDF5.md's choice: jHDF (io.jhdf:jhdf) and Kiln's own reader on
 * every HDF5 file of shared/keras-files (does each read everything, the same values, how fast,
 * with how much heap), on the same hostile variants of those files (how does each end: read, a
 * clean error, another exception, OutOfMemoryError, StackOverflowError, a hang; how much heap),
 * and jHDF writing what Keras writes. Run by benchmarks/hdf5-library/run, in a 256 MiB heap.
 */
public class Hdf5LibraryComparison {
    interface Reader {
        /** Reads everything: every attribute, every dataset's values; returns a checksum of the values. */
        double readAll(Path file) throws Exception;
    }

    interface Action {
        void run() throws Exception;
    }

    static final Reader JHDF = Hdf5LibraryComparison::jhdfReadAll;
    static final Reader KILN = Hdf5LibraryComparison::kilnReadAll;

    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Map<String, Path> files = corpusFiles(corpus, work);
        System.out.println("== corpus: " + files.size() + " HDF5 files");
        for (Map.Entry<String, Path> file : files.entrySet()) {
            String jhdf = outcome(JHDF, file.getValue(), 30);
            String kiln = outcome(KILN, file.getValue(), 30);
            System.out.printf("  %-40s jHDF %-45s Kiln %s%n", file.getKey(), jhdf, kiln);
        }
        speed(files);
        hostile(files, work);
        writing(work);
        System.exit(0);
    }

    // ---- speed and heap on the real files ----

    static void speed(Map<String, Path> files) throws Exception {
        System.out.println("== reading the whole corpus (open, every attribute, every dataset), best and median of 20 after 20 warm-up rounds");
        for (String name : List.of("jHDF", "Kiln")) {
            Reader reader = name.equals("jHDF") ? JHDF : KILN;
            long[] times = new long[20];
            for (int round = -20; round < times.length; round++) {
                long start = System.nanoTime();
                for (Path file : files.values()) {
                    reader.readAll(file);
                }
                if (round >= 0) {
                    times[round] = System.nanoTime() - start;
                }
            }
            Arrays.sort(times);
            long allocated = allocated(() -> {
                for (Path file : files.values()) {
                    reader.readAll(file);
                }
            });
            long bytes = 0;
            for (Path file : files.values()) {
                bytes += Files.size(file);
            }
            System.out.printf("  %-5s best %.1f ms, median %.1f ms; heap allocated %.1f MB for %.1f MB of files%n", name, times[0] / 1e6,
                    times[times.length / 2] / 1e6, allocated / 1e6, bytes / 1e6);
        }
    }

    // ---- hostile variants ----

    static void hostile(Map<String, Path> files, Path work) throws Exception {
        List<String> names = List.of("mlp-k2.h5", "bilstm2-tfkeras.h5", "lambda-seq-k2.h5");
        Map<String, byte[]> cases = new LinkedHashMap<>();
        byte[] mlp = Files.readAllBytes(files.get("mlp-k2.h5"));
        cases.put("dimension 2^40 (mlp-k2.h5 kernel [100, 64] -> [2^40, 64])", patchLong(mlp, indexOf(mlp, le64(100, 64)), 1L << 40));
        int tree = indexOf(mlp, "TREE".getBytes());
        byte[] selfLoop = patchLong(mlp, tree + 32, tree);
        selfLoop[tree + 5] = 1;
        cases.put("B-tree node whose child is itself", selfLoop);
        int snod = indexOf(mlp, "SNOD".getBytes());
        cases.put("symbol table entry linking back to the root", patchLong(mlp, snod + 16, 96));
        int heap = indexOf(mlp, "HEAP".getBytes());
        cases.put("local heap data size 2^40", patchLong(mlp, heap + 8, 1L << 40));
        byte[] bilstm = Files.readAllBytes(files.get("bilstm2-tfkeras.h5"));
        byte[] collection = bilstm.clone();
        collection[indexOf(bilstm, "GCOL".getBytes()) + 11] ^= (byte) 0x80;
        cases.put("one flipped bit in a global heap collection's size (bit 31)", collection);
        System.out.println("== named hostile files (each reader in its own thread, 10 s limit, 256 MiB heap)");
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            Path file = Files.write(work.resolve("case.h5"), c.getValue());
            System.out.printf("  %s%n    jHDF %s%n    Kiln %s%n", c.getKey(), shorten(outcome(JHDF, file, 10)), shorten(outcome(KILN, file, 10)));
        }
        for (String label : List.of("cut every 1/300 of the file", "1-3 random edits (bit flips, set bytes), 700 per file")) {
            Map<String, Integer> jhdf = new TreeMap<>();
            Map<String, Integer> kiln = new TreeMap<>();
            long[] worst = new long[2];
            Random random = new Random(42);
            for (String name : names) {
                byte[] bytes = Files.readAllBytes(files.get(name));
                List<byte[]> variants = new ArrayList<>();
                if (label.startsWith("cut")) {
                    for (int length = 0; length < bytes.length; length += Math.max(1, bytes.length / 300)) {
                        variants.add(Arrays.copyOf(bytes, length));
                    }
                } else {
                    for (int t = 0; t < 700; t++) {
                        byte[] edited = bytes.clone();
                        for (int e = 0, count = 1 + random.nextInt(3); e < count; e++) {
                            int at = random.nextInt(4) == 0 ? random.nextInt(edited.length) : random.nextInt(Math.min(edited.length, 8192));
                            if (random.nextBoolean()) {
                                edited[at] ^= (byte) (1 << random.nextInt(8));
                            } else {
                                edited[at] = (byte) random.nextInt(256);
                            }
                        }
                        variants.add(edited);
                    }
                }
                for (byte[] variant : variants) {
                    Path file = Files.write(work.resolve("variant.h5"), variant);
                    tally(jhdf, outcome(JHDF, file, 10), worst, 0);
                    tally(kiln, outcome(KILN, file, 10), worst, 1);
                }
            }
            System.out.println("== " + label + " of " + names);
            System.out.println("  jHDF " + jhdf + "; most heap for one file " + worst[0] / 1_000_000 + " MB");
            System.out.println("  Kiln " + kiln + "; most heap for one file " + worst[1] / 1_000_000 + " MB");
        }
    }

    static void tally(Map<String, Integer> counts, String outcome, long[] worst, int reader) {
        counts.merge(outcome.replaceAll("[:(\\[].*", "").trim(), 1, Integer::sum);
        long heap = Long.parseLong(outcome.replaceAll(".*heap (\\d+) B.*", "$1"));
        worst[reader] = Math.max(worst[reader], heap);
    }

    // ---- jHDF writing what Keras writes ----

    static void writing(Path work) {
        System.out.println("== jHDF writing Keras' structures");
        write(work, "groups, float32 datasets, an int64 dataset, string attributes", f -> {
            WritableGroup vars = f.putGroup("layers").putGroup("dense").putGroup("vars");
            vars.putAttribute("name", "dense");
            vars.putDataset("0", new float[][] {{1, 2}, {3, 4}});
            f.putGroup("optimizer").putGroup("vars").putDataset("0", new long[] {7});
            f.putGroup("model_weights").putAttribute("layer_names", new String[] {"dense", "dropout"});
        });
        write(work, "weight_names of a layer without weights: an empty float64 array, as Keras 2 writes it",
                f -> f.putGroup("dropout").putAttribute("weight_names", new double[0]));
        write(work, "weight_names as an empty string array", f -> f.putGroup("dropout").putAttribute("weight_names", new String[0]));
        write(work, "model_config of 112 KB (an attribute over 64 KiB)",
                f -> f.putAttribute("model_config", "{\"class_name\": \"Sequential\"}".repeat(4000)));
    }

    interface Content {
        void put(WritableHdfFile file);
    }

    static int written;

    static void write(Path work, String what, Content content) {
        Path out = work.resolve("written-" + (++written) + ".h5");
        try (WritableHdfFile file = HdfFile.write(out)) {
            content.put(file);
            System.out.println("  " + what + ": written (" + out.getFileName() + ")");
        } catch (Throwable e) {
            System.out.println("  " + what + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    // ---- the two readers ----

    static double jhdfReadAll(Path path) {
        try (HdfFile file = new HdfFile(path)) {
            double[] sum = {0};
            jhdfWalk(file, new HashSet<>(), sum);
            return sum[0];
        }
    }

    static void jhdfWalk(Node node, Set<Long> seen, double[] sum) {
        for (Attribute attribute : node.getAttributes().values()) {
            attribute.getData();
        }
        if (node instanceof Group group) {
            if (!seen.add(group.getAddress())) {
                return; // jHDF does not detect a group that contains itself; the walk must
            }
            for (Node child : group.getChildren().values()) {
                jhdfWalk(child, seen, sum);
            }
        } else if (node instanceof Dataset dataset) {
            sum[0] += checksum(dataset.getData());
        }
    }

    static double checksum(Object data) {
        if (data instanceof float[] values) {
            double s = 0;
            for (float v : values) {
                s += v;
            }
            return s;
        }
        if (data instanceof long[] values) {
            double s = 0;
            for (long v : values) {
                s += v;
            }
            return s;
        }
        if (data instanceof Number number) {
            return number.doubleValue();
        }
        double s = 0;
        if (data != null && data.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(data); i++) {
                s += checksum(Array.get(data, i));
            }
        }
        return s;
    }

    static double kilnReadAll(Path path) throws Exception {
        return kilnWalk(Hdf5File.open(path).root());
    }

    static double kilnWalk(Hdf5Group group) throws CheckpointFormatException {
        double sum = 0;
        for (Hdf5Object child : group.children()) {
            sum += switch (child) {
                case Hdf5Group inner -> kilnWalk(inner);
                case Hdf5Dataset dataset -> dataset.dtype().isFloatingPoint() ? checksum(dataset.readFloats()) : checksum(dataset.readLongs());
            };
        }
        return sum;
    }

    // ---- running one read: outcome, time limit, heap ----

    static String outcome(Reader reader, Path file, int seconds) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(null, r, "read", 1 << 20);
            thread.setDaemon(true);
            return thread;
        });
        Future<String> result = executor.submit(() -> {
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            String what;
            try {
                what = String.format("read (checksum %.6g)", reader.readAll(file));
            } catch (HdfException | CheckpointFormatException e) {
                what = "clean error: " + e.getMessage();
            } catch (RuntimeException e) {
                what = "other " + e.getClass().getSimpleName() + ": " + e.getMessage();
            } catch (OutOfMemoryError | StackOverflowError e) {
                what = e.getClass().getSimpleName();
            }
            return what + " [heap " + (threads.getCurrentThreadAllocatedBytes() - before) + " B]";
        });
        try {
            return result.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "timeout [heap 0 B]";
        } finally {
            executor.shutdownNow();
        }
    }

    static long allocated(Action run) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        run.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    static String shorten(String outcome) {
        String heap = outcome.replaceAll(".*\\[heap (\\d+) B\\]", "$1");
        String kind = outcome.replaceAll(" \\[heap.*", "").replaceAll("/\\S*/case\\.h5: ", "");
        kind = kind.length() > 60 ? kind.substring(0, 60) + "..." : kind;
        return kind + ", " + Long.parseLong(heap) / 1000 + " kB";
    }

    // ---- files ----

    static Map<String, Path> corpusFiles(Path corpus, Path work) throws Exception {
        Map<String, Path> files = new TreeMap<>();
        try (var list = Files.list(corpus)) {
            for (Path path : list.filter(Files::isRegularFile).sorted().toList()) {
                String name = path.getFileName().toString();
                if (Hdf5File.hasSignature(ByteBuffer.wrap(Files.readAllBytes(path)))) {
                    files.put(name, path);
                } else if (name.endsWith(".keras")) {
                    try (ZipFile zip = new ZipFile(path.toFile())) {
                        var entry = zip.getEntry("model.weights.h5");
                        if (entry != null) {
                            try (InputStream in = zip.getInputStream(entry)) {
                                files.put(name + "!model.weights.h5", Files.write(work.resolve(name + ".weights.h5"), in.readAllBytes()));
                            }
                        }
                    }
                }
            }
        }
        return files;
    }

    static byte[] le64(long... values) {
        ByteBuffer out = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            out.putLong(value);
        }
        return out.array();
    }

    static byte[] patchLong(byte[] bytes, int at, long value) {
        byte[] out = bytes.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
        return out;
    }

    static int indexOf(byte[] bytes, byte[] pattern) {
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new IllegalStateException("pattern not found");
    }
}
