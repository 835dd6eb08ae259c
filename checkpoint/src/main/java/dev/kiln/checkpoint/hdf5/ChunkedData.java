package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.engine.tensor.Shape;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * A chunked dataset's values, assembled when they are read: an array of the dataset's bytes,
 * filled with the fill value, into which each stored chunk is decoded (through the filter
 * pipeline, into one buffer of the chunk's declared size) and copied, the parts of edge chunks
 * that lie outside the dataset left out.
 */
final class ChunkedData {
    private ChunkedData() {}

    /** The {@code bytes} bytes of the dataset of {@code shape} at {@code where}, in row-major order. */
    static byte[] read(FileBytes file, Location where, Shape shape, int elementBytes, DataLayout layout, List<ChunkIndex.Chunk> chunks,
            FilterPipeline filters, Optional<byte[]> fill, long bytes) throws CheckpointFormatException {
        byte[] out = new byte[(int) bytes];
        if (fill.isPresent() && fill.get().length == elementBytes) {
            byte[] value = fill.get();
            for (int i = 0; i < out.length; i += elementBytes) {
                System.arraycopy(value, 0, out, i, elementBytes);
            }
        }
        int rank = shape.rank();
        long[] chunk = layout.chunk();
        long chunkBytes = elementBytes;
        for (long c : chunk) {
            chunkBytes *= c;
        }
        byte[] buffer = new byte[(int) chunkBytes];
        byte[] scratch = filters.isEmpty() ? buffer : new byte[(int) chunkBytes];
        for (ChunkIndex.Chunk stored : chunks) {
            long[] offset = stored.offset();
            boolean edge = false;
            for (int d = 0; d < rank; d++) {
                edge |= offset[d] + chunk[d] > shape.dim(d);
            }
            long mask = edge && (layout.flags() & DataLayout.UNFILTERED_EDGE_CHUNKS) != 0 ? -1L : stored.filterMask();
            ByteBuffer source = file.slice(stored.address(), stored.size(), java.nio.ByteOrder.LITTLE_ENDIAN, where, "chunk");
            filters.decode(file, source, mask, buffer, scratch, elementBytes, where, stored.address());
            copy(buffer, out, shape, chunk, offset, elementBytes);
        }
        return out;
    }

    /** Copies the part of the chunk at {@code offset} that lies inside the dataset, row by row of the last dimension. */
    private static void copy(byte[] chunkData, byte[] out, Shape shape, long[] chunk, long[] offset, int elementBytes) {
        int rank = chunk.length;
        long[] valid = new long[rank];
        for (int d = 0; d < rank; d++) {
            valid[d] = Math.min(chunk[d], shape.dim(d) - offset[d]);
        }
        long[] index = new long[rank];
        int rowBytes = (int) (valid[rank - 1] * elementBytes);
        while (true) {
            long source = 0;
            long target = 0;
            for (int d = 0; d < rank; d++) {
                source = source * chunk[d] + index[d];
                target = target * shape.dim(d) + offset[d] + index[d];
            }
            System.arraycopy(chunkData, (int) (source * elementBytes), out, (int) (target * elementBytes), rowBytes);
            int d = rank - 2;
            while (d >= 0 && ++index[d] == valid[d]) {
                index[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }
}
