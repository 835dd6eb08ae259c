package dev.kiln.checkpoint.hdf5;

import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.testing.DebianPython;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Hdf5Writer: what is written reads back as given, with Kiln's reader and with h5py
 * (checkpoint/src/test/python/hdf5_dump.py), for a Keras-like file with the awkward cases (a
 * group of 300 children, whose B-tree needs two levels; a 100 KB variable-length string; an empty
 * float64 array; fixed-length strings; scalars) and for random trees; the bytes are deterministic.
 */
class Hdf5WriterTest {
    /** A tree with every kind of value the writer has, and groups large enough to grow the B-tree. */
    static Hdf5GroupBuilder awkward() {
        Hdf5GroupBuilder root = Hdf5GroupBuilder.root();
        root.attribute("keras_version", Hdf5Value.utf8("3.10.0"))
                .attribute("backend", Hdf5Value.ascii("tensorflow"))
                .attribute("model_config", Hdf5Value.utf8("{\"x\": \"" + "é".repeat(50_000) + "\"}"))
                .attribute("empty", Hdf5Value.float64s())
                .attribute("nothing", Hdf5Value.utf8(""))
                .attribute("step", Hdf5Value.int64(-7))
                .attribute("rates", Hdf5Value.float64s(0.5, -1e-300, Double.NaN))
                .attribute("ints", Hdf5Value.int64s(Long.MIN_VALUE, 0, Long.MAX_VALUE))
                .attribute("pi", Hdf5Value.float64(Math.PI));
        Hdf5GroupBuilder weights = root.group("model_weights");
        weights.attribute("layer_names", Hdf5Value.fixedAscii(List.of("dense", "dropout", "")))
                .attribute("names", Hdf5Value.utf8(List.of("α", "", "bêta")))
                .attribute("tag", Hdf5Value.fixedAscii("v1"));
        weights.group("dense/dense").dataset("kernel:0", Hdf5Data.float32(Shape.of(3, 2), new float[] {1, 2, 3, 4, 5, -0f}))
                .dataset("bias:0", Hdf5Data.float32(Shape.of(2), new float[] {Float.MIN_VALUE, Float.NaN}));
        weights.group("dropout").attribute("weight_names", Hdf5Value.float64s());
        Hdf5GroupBuilder many = root.group("many");
        for (int i = 0; i < 300; i++) {
            if (i % 3 == 0) {
                many.group("g" + i).attribute("i", Hdf5Value.int64(i));
            } else {
                many.dataset("d" + i, Hdf5Data.int32(Shape.of(1), new int[] {i}));
            }
        }
        root.group("scalars").dataset("step", Hdf5Data.int64(Shape.scalar(), new long[] {42}))
                .dataset("lr", Hdf5Data.float64(Shape.scalar(), new double[] {1e-3}))
                .dataset("cube", Hdf5Data.float64(Shape.of(2, 1, 3), new double[] {1, 2, 3, 4, 5, 6}));
        root.group("empty/nested/deep");
        root.group("ünïcode name ✓").dataset("x", Hdf5Data.float32(Shape.of(1), new float[] {1}));
        return root;
    }

    @Test
    void awkwardTreeReadsBackWithKilnsReader() throws Exception {
        Hdf5GroupBuilder root = awkward();
        byte[] bytes = Hdf5Writer.toBytes(root);
        Hdf5File file = Hdf5File.read(ByteBuffer.wrap(bytes), "awkward.h5");
        assertEquals(TreeLines.written(root, false), TreeLines.read(file));
        assertEquals(List.of("dense", "dropout", ""), file.root().group("model_weights").attribute("layer_names").strings());
        assertEquals(List.of(), file.root().group("model_weights/dropout").attribute("weight_names").strings());
        assertEquals(100_009, file.root().attribute("model_config").string().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    @Test
    void bytesAreDeterministic() {
        assertArrayEquals(Hdf5Writer.toBytes(awkward()), Hdf5Writer.toBytes(awkward()));
    }

    @Test
    void h5pyReadsWhatWasWritten(@TempDir Path dir) throws Exception {
        DebianPython.assumeH5pyAndNumpy();
        List<Hdf5GroupBuilder> trees = new ArrayList<>(List.of(awkward(), Hdf5GroupBuilder.root()));
        Random random = new Random(20261203);
        for (int i = 0; i < 60; i++) {
            trees.add(RandomTrees.tree(random));
        }
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < trees.size(); i++) {
            Path file = dir.resolve("tree-" + i + ".h5");
            Hdf5Writer.write(file, trees.get(i));
            files.add(file);
        }
        Map<Path, List<String>> read = TreeLines.h5py(files);
        for (int i = 0; i < trees.size(); i++) {
            assertEquals(TreeLines.written(trees.get(i), true), read.get(files.get(i)), "tree " + i);
        }
    }

    @Property(tries = 300, shrinking = net.jqwik.api.ShrinkingMode.OFF) // a seed's tree does not shrink with the seed
    void randomTreesReadBackWithKilnsReader(@ForAll long seed) throws Exception {
        Hdf5GroupBuilder root = RandomTrees.tree(new Random(seed));
        Hdf5File file = Hdf5File.read(ByteBuffer.wrap(Hdf5Writer.toBytes(root)), "random.h5");
        assertEquals(TreeLines.written(root, false), TreeLines.read(file));
    }

    @Property(tries = 12)
    void groupsOfAnySizeListTheirChildrenInOrder(@ForAll @IntRange(min = 0, max = 2_500) int children) throws Exception {
        Hdf5GroupBuilder root = Hdf5GroupBuilder.root();
        Hdf5GroupBuilder group = root.group("g");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < children; i++) {
            names.add("c" + Integer.toString(i * 7919 % 10_007, 36));
        }
        for (String name : names) {
            group.group(name);
        }
        Collections.sort(names);
        Hdf5File file = Hdf5File.read(ByteBuffer.wrap(Hdf5Writer.toBytes(root)), "wide.h5");
        assertEquals(names, file.root().group("g").groups().stream().map(Hdf5Group::name).toList());
    }

    @Test
    void refusesWhatItCannotWrite() {
        Hdf5GroupBuilder root = Hdf5GroupBuilder.root();
        List<String> long_ = Collections.nCopies(700, "x".repeat(100));
        root.attribute("names", Hdf5Value.fixedAscii(long_));
        assertEquals("attribute 'names' of / takes 70048 bytes; an attribute message holds at most 65528 (a long text fits as a"
                + " variable-length string, which the global heap holds)",
                assertThrows(IllegalArgumentException.class, () -> Hdf5Writer.toBytes(root)).getMessage());
        root.dataset("d", Hdf5Data.float32(Shape.of(1), new float[] {1}));
        assertEquals("/d already exists", assertThrows(IllegalArgumentException.class,
                () -> root.dataset("d", Hdf5Data.float32(Shape.of(1), new float[] {1}))).getMessage());
        assertEquals("/d is a dataset, not a group", assertThrows(IllegalArgumentException.class, () -> root.group("d/e")).getMessage());
        assertEquals("group path 'a/': group name '' in / is not allowed: a name is 1 to 4096 bytes of UTF-8, without '/' or NUL, and not '.'",
                assertThrows(IllegalArgumentException.class, () -> root.group("a/")).getMessage());
        assertEquals("attribute 'names' of / is already set", assertThrows(IllegalArgumentException.class,
                () -> root.attribute("names", Hdf5Value.int64(1))).getMessage());
        assertEquals("shape [2, 2] holds 4 values; 3 given", assertThrows(IllegalArgumentException.class,
                () -> Hdf5Data.float32(Shape.of(2, 2), new float[3])).getMessage());
        assertEquals("a dataset of shape [0] has no values; Kiln writes datasets of at least one value (Keras writes none without)",
                assertThrows(IllegalArgumentException.class, () -> Hdf5Data.float32(Shape.of(0), new float[0])).getMessage());
        assertEquals("'naïve' has the non-ASCII character U+00EF at 2; write it as UTF-8",
                assertThrows(IllegalArgumentException.class, () -> Hdf5Value.fixedAscii("naïve")).getMessage());
    }
}
