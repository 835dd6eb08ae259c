package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.LoadLimits;
import dev.kiln.engine.tensor.Shape;


/**
 * A dataspace message (HDF5 spec IV.A.2.b), versions 1 and 2: the current dimensions of a dataset
 * or attribute. The maximum dimensions are skipped (Kiln never extends a dataset); permutation
 * indices are refused. A scalar has rank 0; a null dataspace (no value at all) reads as shape [0].
 * The shape must fit {@link LoadLimits}: at most {@link LoadLimits#MAX_RANK} dimensions and
 * {@link LoadLimits#MAX_ELEMENTS} elements.
 */
final class Dataspace {
    private Dataspace() {}

    /** Reads the dataspace message of {@code available} bytes at {@code at}. */
    static Shape read(FileBytes file, long at, long available, Location where, String field) throws CheckpointFormatException {
        int version = file.u8(at, where, field + " version");
        int rank = file.u8(at + 1, where, field + " rank");
        int flags = file.u8(at + 2, where, field + " flags");
        long dims;
        if (version == 1) {
            if ((flags & 2) != 0) {
                throw file.error(where, field + " flags", at + 2, "permutation indices are not supported");
            }
            dims = at + 8;
        } else if (version == 2) {
            int type = file.u8(at + 3, where, field + " type");
            if (type == 2) {
                return Shape.of(0);
            }
            if (type > 2) {
                throw file.error(where, field + " type", at + 3, "type " + type + "; allowed: 0 (scalar), 1 (simple), 2 (null)");
            }
            dims = at + 4;
        } else {
            throw file.error(where, field + " version", at, "version " + version + "; allowed: 1 or 2");
        }
        if (rank > LoadLimits.MAX_RANK) {
            throw file.error(where, field + " rank", at + 1, rank + " dimensions; allowed: at most " + LoadLimits.MAX_RANK);
        }
        long needed = (dims - at) + 8L * rank * ((flags & 1) != 0 ? 2 : 1);
        if (needed > available) {
            throw file.error(where, field, at, "is " + available + " bytes, fewer than the " + needed + " its " + rank + " dimensions need");
        }
        long[] found = new long[rank];
        int[] shape = new int[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++) {
            found[d] = file.raw64(dims + 8L * d, where, field + " dimension " + d);
        }
        for (int d = 0; d < rank; d++) {
            if (found[d] < 0 || found[d] > LoadLimits.MAX_ELEMENTS) {
                throw file.error(where, field + " dimension " + d, dims + 8L * d, Long.toUnsignedString(found[d]) + " in shape "
                        + text(found) + "; allowed: at most " + LoadLimits.MAX_ELEMENTS + " (one Java array)");
            }
            elements = LoadLimits.elementsTimes(elements, found[d]);
            if (elements < 0) {
                throw file.error(where, field, dims, "shape " + text(found) + " has more than " + LoadLimits.MAX_ELEMENTS
                        + " elements (one Java array)");
            }
            shape[d] = (int) found[d];
        }
        return Shape.of(shape);
    }

    /**
     * The maximum dimensions of the dataspace message at {@code at} (read by {@link #read} before):
     * each one, or -1 for an unlimited one; the current dimensions when the message stores none.
     */
    static long[] maxima(FileBytes file, long at, Shape shape, Location where) throws CheckpointFormatException {
        int version = file.u8(at, where, "dataspace version");
        int flags = file.u8(at + 2, where, "dataspace flags");
        int rank = shape.rank();
        long[] max = new long[rank];
        long dims = at + (version == 1 ? 8 : 4);
        for (int d = 0; d < rank; d++) {
            max[d] = (flags & 1) != 0 ? file.raw64(dims + 8L * (rank + d), where, "dataspace maximum dimension " + d) : shape.dim(d);
            if (max[d] != -1 && max[d] < shape.dim(d)) {
                throw file.error(where, "dataspace maximum dimension " + d, dims + 8L * (rank + d), Long.toUnsignedString(max[d])
                        + ", below the current " + shape.dim(d) + "; allowed: at least the current dimension, or unlimited");
            }
        }
        return max;
    }

    /** Dimensions as unsigned numbers: "[1099511627776, 64]". */
    private static String text(long[] dims) {
        StringBuilder out = new StringBuilder("[");
        for (int d = 0; d < dims.length; d++) {
            out.append(d == 0 ? "" : ", ").append(Long.toUnsignedString(dims[d]));
        }
        return out.append(']').toString();
    }
}
