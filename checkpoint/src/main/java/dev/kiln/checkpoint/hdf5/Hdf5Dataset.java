package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.tensor.Shape;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * A dataset: an n-dimensional array of one element type, its attributes, and its values, read
 * when asked for. When the file is opened its shape is checked against the element limit and its
 * stored bytes against its shape and type, inside the file and overlapping no other dataset's; so
 * reading every dataset of a file of N bytes once allocates at most 2 N bytes (float16 widened to
 * float32 doubles its bytes; readDoubles of narrower types takes more, 8 bytes an element).
 */
public final class Hdf5Dataset implements Hdf5Object {
    private final Location location;
    private final FileBytes file;
    private final Datatype datatype;
    private final Shape shape;
    private final DataLayout layout;
    private final List<Hdf5Attribute> attributes;
    private final GlobalHeap heap;
    private final List<ChunkIndex.Chunk> chunks;
    private final FilterPipeline filters;
    private final Optional<byte[]> fill;

    Hdf5Dataset(Location location, FileBytes file, GlobalHeap heap, ObjectHeader header, List<ChunkIndex.Chunk> chunks) {
        this.location = location;
        this.file = file;
        this.heap = heap;
        this.datatype = header.datatype();
        this.shape = header.shape();
        this.layout = header.layout();
        this.attributes = header.attributes();
        this.chunks = List.copyOf(chunks);
        this.filters = header.filters();
        this.fill = header.fill();
    }

    @Override
    public String name() {
        return location.name();
    }

    @Override
    public String path() {
        return location.path();
    }

    @Override
    public String source() {
        return file.source();
    }

    @Override
    public List<Hdf5Attribute> attributes() {
        return attributes;
    }

    /** The type of its elements. */
    public Hdf5Dtype dtype() {
        return datatype.dtype();
    }

    /** Its dimensions, outermost first; rank 0 for a scalar. */
    public Shape shape() {
        return shape;
    }

    /** The shape of its chunks, for a chunked dataset (h5py's {@code Dataset.chunks}); empty for contiguous or compact storage. */
    public Optional<Shape> chunks() {
        if (!layout.chunked()) {
            return Optional.empty();
        }
        int[] dims = new int[layout.chunk().length];
        for (int d = 0; d < dims.length; d++) {
            dims[d] = (int) layout.chunk()[d];
        }
        return Optional.of(Shape.of(dims));
    }

    /**
     * Whether the file holds its values: false for a dataset created but never written (reading it
     * is an error that says so). A chunked dataset with some chunks written reads the others as its
     * fill value, as h5py does.
     */
    public boolean hasData() {
        return storedBytes() == 0 || (layout.chunked() ? !chunks.isEmpty() : layout.address() != FileBytes.UNDEFINED);
    }

    /** Its strings in row-major order: it must hold fixed- or variable-length strings. */
    public List<String> readStrings() throws CheckpointFormatException {
        Hdf5Dtype dtype = dtype();
        if (!dtype.isString()) {
            throw error("holds " + dtype + " values; readStrings reads strings");
        }
        ByteBuffer data = data();
        String[] values = new String[shape.size()];
        int size = datatype.elementBytes();
        for (int i = 0; i < values.length; i++) {
            String field = "element " + i;
            values[i] = dtype == Hdf5Dtype.VARIABLE_STRING
                    ? heap.string(Integer.toUnsignedLong(data.getInt(size * i)), data.getLong(size * i + 4),
                            Integer.toUnsignedLong(data.getInt(size * i + 12)), location, field)
                    : Hdf5Attribute.fixedString(file, datatype, data.slice(size * i, size), location, field);
        }
        return java.util.Collections.unmodifiableList(java.util.Arrays.asList(values));
    }

    /** Its values in row-major order as float32: float32 as stored, float16 widened, float64 rounded to nearest. */
    public float[] readFloats() throws CheckpointFormatException {
        Hdf5Dtype dtype = dtype();
        if (!dtype.isFloatingPoint()) {
            throw error("holds " + dtype + " values; readFloats reads float16, float32 and float64" + (dtype.isInteger()
                    ? " (integers: readLongs, readDoubles)" : ""));
        }
        ByteBuffer data = data();
        float[] values = new float[shape.size()];
        switch (dtype) {
            case FLOAT32 -> data.asFloatBuffer().get(values);
            case FLOAT16 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.float16ToFloat(data.getShort(2 * i));
                }
            }
            default -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) data.getDouble(8 * i);
                }
            }
        }
        return values;
    }

    /** Its values in row-major order as float64, whatever number type it holds (integers converted, uint64 as unsigned). */
    public double[] readDoubles() throws CheckpointFormatException {
        Hdf5Dtype dtype = dtype();
        if (!dtype.isFloatingPoint() && !dtype.isInteger()) {
            throw error("holds " + dtype + " values; readDoubles reads numbers");
        }
        ByteBuffer data = data();
        double[] values = new double[shape.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (dtype) {
                case FLOAT16 -> Float.float16ToFloat(data.getShort(2 * i));
                case FLOAT32 -> data.getFloat(4 * i);
                case FLOAT64 -> data.getDouble(8 * i);
                case UINT64 -> Hdf5Attribute.unsigned(data.getLong(8 * i));
                default -> Hdf5Attribute.integer(data, dtype, i);
            };
        }
        return values;
    }

    /** Its values in row-major order as longs; it must hold integers (a uint64 above 2^63 - 1 is an error). */
    public long[] readLongs() throws CheckpointFormatException {
        Hdf5Dtype dtype = dtype();
        if (!dtype.isInteger()) {
            throw error("holds " + dtype + " values; readLongs reads integers" + (dtype.isFloatingPoint() ? " (floating point: readFloats)"
                    : ""));
        }
        ByteBuffer data = data();
        long[] values = new long[shape.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Hdf5Attribute.integer(data, dtype, i);
            if (dtype == Hdf5Dtype.UINT64 && values[i] < 0) {
                throw error("element " + i + " is the uint64 value " + Long.toUnsignedString(values[i]) + ", above the largest long");
            }
        }
        return values;
    }

    /** Its path, type and shape, e.g. {@code /layers/dense/vars/0: float32 [16, 1]}. */
    @Override
    public String toString() {
        return path() + ": " + dtype() + " " + shape;
    }

    /** The bytes its values take in the file: elements times the element's size (16 for a variable-length string's reference). */
    public long storedBytes() {
        return (long) shape.size() * datatype.elementBytes();
    }

    private ByteBuffer data() throws CheckpointFormatException {
        long bytes = storedBytes();
        if (!hasData()) {
            throw error("has no data in the file (the dataset was created but never written)");
        }
        if (layout.chunked() && bytes > 0) {
            return ByteBuffer.wrap(ChunkedData.read(file, location, shape, datatype.elementBytes(), layout, chunks, filters, fill, bytes))
                    .order(datatype.order());
        }
        return file.slice(bytes == 0 ? 0 : layout.address(), bytes, datatype.order(), location, "data");
    }

    private CheckpointFormatException error(String problem) {
        return file.error(location, "data", problem);
    }
}
