package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.tensor.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.kiln.checkpoint.keras.KerasModelFile;
import dev.kiln.engine.autodiff.Variable;

import java.io.IOException;
import java.nio.file.Path;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the reader supports beyond the Keras corpus, on {@code hdf5/features.h5}, which h5py wrote
 * ({@code checkpoint/src/test/python/hdf5_features.py}, with {@code reference/hdf5_features.json}):
 * a group of 70 links (a three-level B-tree over many symbol table nodes: the file sets low B-tree
 * ranks), every integer and floating-point type in both byte orders, scalar, empty, compact and
 * never-written datasets, attributes of UTF-8, NUL- and space-padded strings, variable-length
 * string arrays, a null dataspace and big-endian numbers.
 */
class Hdf5FeaturesTest {
    private static Hdf5File file;

    @BeforeAll
    static void read() throws IOException {
        try (InputStream in = Hdf5FeaturesTest.class.getResourceAsStream("/hdf5/features.h5")) {
            file = Hdf5File.read(ByteBuffer.wrap(in.readAllBytes()), "features.h5");
        }
    }

    @Test
    void everythingReadsAsH5pyReadsIt() throws CheckpointFormatException {
        Map<?, ?> expected = (Map<?, ?>) H5pyReference.files("/reference/hdf5_features.json").get("features.h5");
        H5pyReference.assertReadsAsH5py(file, expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"features-earliest.h5", "features-superblock1.h5", "features-v108.h5", "features-latest.h5"})
    void everyLayoutReadsAsH5pyReadsIt(String name) throws IOException {
        Map<?, ?> expected = (Map<?, ?>) H5pyReference.files("/reference/hdf5_features.json").get(name);
        H5pyReference.assertReadsAsH5py(resource(name), expected);
    }

    @Test
    void aKerasArchiveWithChunkedGzipWeightsInTheLatestLayoutLoadsTheSameWeights() throws IOException {
        List<Variable> original = KerasModelFile.load(Path.of("src/test/resources/keras-files/gru-rnn-layernorm-synthetic-k3.keras"))
                .model().parameters();
        List<Variable> rewritten = KerasModelFile.load(Path.of("src/test/resources/hdf5/gru-rnn-layernorm-latest-gzip-k3.keras"))
                .model().parameters();
        assertEquals(original.size(), rewritten.size());
        for (int i = 0; i < original.size(); i++) {
            assertArrayEquals(original.get(i).value().data(), rewritten.get(i).value().data(), original.get(i).name());
        }
        Hdf5File weights = KerasCorpus.zipEntry(Path.of("src/test/resources/hdf5/gru-rnn-layernorm-latest-gzip-k3.keras"), "model.weights.h5");
        assertTrue(H5pyReference.datasets(weights.root()).stream().anyMatch(d -> d.chunks().isPresent()), "chunked weights");
    }

    static Hdf5File resource(String name) throws IOException {
        try (InputStream in = Hdf5FeaturesTest.class.getResourceAsStream("/hdf5/" + name)) {
            return Hdf5File.read(ByteBuffer.wrap(in.readAllBytes()), name);
        }
    }

    @Test
    void seventyLinksReadInNameOrderThroughAThreeLevelBTree() throws CheckpointFormatException {
        List<Hdf5Dataset> many = file.root().group("many").datasets();
        assertEquals(70, many.size());
        for (int i = 0; i < many.size(); i++) {
            assertEquals(String.format("w%02d", i), many.get(i).name());
            assertArrayEquals(new float[] {i}, many.get(i).readFloats());
        }
    }

    @Test
    void everyNumberTypeReadsItsValuesInEitherByteOrder() throws CheckpointFormatException {
        Hdf5Group types = file.root().group("types");
        long[] signed = new long[12];
        long[] unsigned = new long[12];
        for (int i = 0; i < 12; i++) {
            signed[i] = 7L * i - 20;
            unsigned[i] = i;
        }
        for (String name : List.of("int8", "int16", "int32", "int64", "big_int32")) {
            assertEquals(Shape.of(3, 4), types.dataset(name).shape(), name);
            assertArrayEquals(signed, types.dataset(name).readLongs(), name);
        }
        for (String name : List.of("uint8", "uint16", "uint32", "uint64")) {
            assertArrayEquals(unsigned, types.dataset(name).readLongs(), name);
        }
        for (String name : List.of("float16", "float32", "float64", "big_float32", "big_float64")) {
            float[] values = types.dataset(name).readFloats();
            for (int i = 0; i < 12; i++) {
                assertEquals(signed[i], values[i], name);
            }
            assertEquals(-20.0, types.dataset(name).readDoubles()[0], name);
        }
        assertEquals(Hdf5Dtype.FLOAT16, types.dataset("float16").dtype());
        assertEquals("features.h5: /types/int8, data: holds int8 values; readFloats reads float16, float32 and float64 (integers:"
                + " readLongs, readDoubles)", assertThrows(CheckpointFormatException.class, () -> types.dataset("int8").readFloats())
                .getMessage());
    }

    @Test
    void scalarEmptyCompactAndNeverWrittenDatasets() throws CheckpointFormatException {
        Hdf5Group root = file.root();
        assertEquals(Shape.scalar(), root.dataset("scalar").shape());
        assertArrayEquals(new double[] {2.5}, root.dataset("scalar").readDoubles());
        assertEquals(Shape.of(0, 3), root.dataset("empty").shape());
        assertArrayEquals(new float[0], root.dataset("empty").readFloats());
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1, 1.25f}, root.dataset("compact").readFloats());
        assertArrayEquals(new float[] {1}, root.dataset("\u00fcnicode").readFloats());
        assertTrue(root.dataset("compact").hasData());
        assertTrue(root.dataset("empty").hasData());
        assertFalse(root.dataset("unwritten").hasData());
        assertEquals("features.h5: /unwritten, data: has no data in the file (the dataset was created but never written)",
                assertThrows(CheckpointFormatException.class, () -> root.dataset("unwritten").readFloats()).getMessage());
    }

    @Test
    void attributesOfEveryKindReadThroughTheirTypedGetters() throws CheckpointFormatException {
        Hdf5Group types = file.root().group("types");
        assertEquals("vlen utf-8 \u00fcber", types.attribute("utf8 name \u00e9\u00e8").string());
        assertEquals(List.of("ab", "cde", ""), types.attribute("ascii_fixed").strings());
        assertEquals(List.of("ab", "cdefgh"), types.attribute("space_padded").strings());
        assertEquals(List.of("x", "yy", ""), types.attribute("vlen_list").strings());
        Hdf5Attribute empty = types.attribute("empty");
        assertEquals(Shape.of(0), empty.shape());
        assertEquals(List.of(), empty.strings());
        assertArrayEquals(new double[0], empty.doubles());
        assertArrayEquals(new long[] {-7}, types.attribute("number").longs());
        assertEquals(Shape.scalar(), types.attribute("number").shape());
        assertArrayEquals(new double[] {1.5, -2.25}, types.attribute("numbers").doubles());
        assertEquals("features.h5: /types, attribute \"numbers\": holds float64 values; allowed here: integers",
                assertThrows(CheckpointFormatException.class, () -> types.attribute("numbers").longs()).getMessage());
        assertEquals("features.h5: /types, attribute \"vlen_list\": holds 3 strings; allowed: exactly one",
                assertThrows(CheckpointFormatException.class, () -> types.attribute("vlen_list").string()).getMessage());
    }
}
