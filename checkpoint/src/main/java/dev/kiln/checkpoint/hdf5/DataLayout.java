package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;

/**
 * A data layout message (HDF5 spec IV.A.2.i), versions 3 and 4: where a dataset's values are.
 * Compact: inside the header; contiguous: one range of the file; chunked: chunks of
 * {@code chunk} elements found through an index, a version 1 B-tree (version 3) or one of HDF5
 * 1.10's indexes (version 4: single chunk, implicit, fixed array, extensible array, version 2
 * B-tree). The address may be undefined (never written). {@code lengthAt} is where the length of
 * compact or contiguous data stands, {@code at} where the message starts (for errors).
 */
record DataLayout(Kind kind, long address, long length, long lengthAt, long[] chunk, long chunkElementBytes, int index, int flags,
        long filteredSize, long filterMask, int[] indexParameters, long at) {
    /** How the values are stored. */
    enum Kind { COMPACT, CONTIGUOUS, CHUNKED }

    /** Chunk index types: version 3's B-tree, then version 4's (HDF5 spec IV.A.2.i). */
    static final int BTREE1 = 0;
    static final int SINGLE_CHUNK = 1;
    static final int IMPLICIT = 2;
    static final int FIXED_ARRAY = 3;
    static final int EXTENSIBLE_ARRAY = 4;
    static final int BTREE2 = 5;
    /** Version 4 flag: edge chunks are stored without filters. */
    static final int UNFILTERED_EDGE_CHUNKS = 1;
    private static final int MAX_DIMENSIONALITY = 33;

    /** Whether the values are in chunks. */
    boolean chunked() {
        return kind == Kind.CHUNKED;
    }

    /** Whether the values are inside the object header. */
    boolean compact() {
        return kind == Kind.COMPACT;
    }

    /** Reads the data layout message of {@code length} bytes at {@code at}. */
    static DataLayout read(FileBytes file, long at, int length, Location where) throws CheckpointFormatException {
        int version = file.u8(at, where, "data layout version");
        if (version < 3 || version > 4) {
            throw file.error(where, "data layout version", at, "version " + version + "; allowed: 3 or 4 (HDF5 1.6 and later)");
        }
        int layoutClass = file.u8(at + 1, where, "data layout class");
        switch (layoutClass) {
            case 0 -> {
                int size = file.u16(at + 2, where, "compact data size");
                if (4L + size > length) {
                    throw file.error(where, "compact data size", at + 2, size + " bytes, but the layout message holds " + (length - 4));
                }
                return simple(Kind.COMPACT, at + 4, size, at + 2, at);
            }
            case 1 -> {
                if (length < 18) {
                    throw file.error(where, "data layout", at, "is " + length + " bytes, fewer than the 18 of a contiguous layout");
                }
                return simple(Kind.CONTIGUOUS, file.address(at + 2, where, "contiguous data address"),
                        file.u64(at + 10, where, "contiguous data size"), at + 10, at);
            }
            case 2 -> {
                return version == 3 ? chunkedVersion3(file, at, length, where) : chunkedVersion4(file, at, length, where);
            }
            case 3 -> throw file.error(where, "data layout class", at + 1, "virtual datasets (views of other datasets or files) are not"
                    + " supported");
            default -> throw file.error(where, "data layout class", at + 1, "class " + layoutClass
                    + "; allowed: 0 (compact), 1 (contiguous), 2 (chunked)");
        }
    }

    private static DataLayout simple(Kind kind, long address, long length, long lengthAt, long at) {
        return new DataLayout(kind, address, length, lengthAt, new long[0], 0, -1, 0, 0, 0, new int[0], at);
    }

    /** Version 3: dimensionality, the B-tree's address, then each chunk dimension and the element size in 4 bytes. */
    private static DataLayout chunkedVersion3(FileBytes file, long at, int length, Location where) throws CheckpointFormatException {
        int dimensionality = dimensionality(file, at + 2, where);
        if (length < 11 + 4L * dimensionality) {
            throw file.error(where, "data layout", at, "is " + length + " bytes, fewer than the " + (11 + 4 * dimensionality)
                    + " of a chunked layout of " + dimensionality + " dimensions");
        }
        long address = file.address(at + 3, where, "chunk B-tree address");
        long[] dims = new long[dimensionality];
        for (int d = 0; d < dimensionality; d++) {
            dims[d] = file.u32(at + 11 + 4L * d, where, "chunk dimension " + d);
        }
        return chunked(file, at, where, dims, address, BTREE1, 0, 0, 0, new int[0]);
    }

    /** Version 4: flags, dimensionality, the dimensions' width, the dimensions, the index type, its parameters, the index address. */
    private static DataLayout chunkedVersion4(FileBytes file, long at, int length, Location where) throws CheckpointFormatException {
        long end = at + length;
        int flags = file.u8(at + 2, where, "chunked layout flags");
        if ((flags & ~3) != 0) {
            throw file.error(where, "chunked layout flags", at + 2, flags + "; allowed: bits 0 and 1");
        }
        int dimensionality = dimensionality(file, at + 3, where);
        int width = file.u8(at + 4, where, "chunk dimension width");
        if (width < 1 || width > 8) {
            throw file.error(where, "chunk dimension width", at + 4, width + " bytes; allowed: 1 to 8");
        }
        long p = at + 5;
        long[] dims = new long[dimensionality];
        for (int d = 0; d < dimensionality; d++, p += width) {
            require(file, p + width, end, at, where);
            dims[d] = file.unsigned(p, width, where, "chunk dimension " + d);
        }
        require(file, p + 1, end, at, where);
        int index = file.u8(p++, where, "chunk index type");
        long filteredSize = 0;
        long mask = 0;
        int[] parameters;
        switch (index) {
            case SINGLE_CHUNK -> {
                parameters = new int[0];
                if ((flags & 2) != 0) {
                    require(file, p + 12, end, at, where);
                    filteredSize = file.u64(p, where, "single chunk filtered size");
                    mask = file.u32(p + 8, where, "single chunk filter mask");
                    p += 12;
                }
            }
            case IMPLICIT -> parameters = new int[0];
            case FIXED_ARRAY -> parameters = parameters(file, p, 1, end, at, where);
            case EXTENSIBLE_ARRAY -> parameters = parameters(file, p, 5, end, at, where);
            case BTREE2 -> {
                require(file, p + 6, end, at, where);
                parameters = new int[] {(int) Math.min(file.u32(p, where, "chunk B-tree node size"), Integer.MAX_VALUE)};
            }
            default -> throw file.error(where, "chunk index type", p - 1, "type " + index + "; allowed: 1 (single chunk), 2 (implicit),"
                    + " 3 (fixed array), 4 (extensible array), 5 (version 2 B-tree)");
        }
        p += switch (index) {
            case FIXED_ARRAY -> 1;
            case EXTENSIBLE_ARRAY -> 5;
            case BTREE2 -> 6;
            default -> 0;
        };
        require(file, p + 8, end, at, where);
        long address = file.address(p, where, "chunk index address");
        return chunked(file, at, where, dims, address, index, flags, filteredSize, mask, parameters);
    }

    private static DataLayout chunked(FileBytes file, long at, Location where, long[] dims, long address, int index, int flags,
            long filteredSize, long mask, int[] parameters) throws CheckpointFormatException {
        long[] chunk = java.util.Arrays.copyOf(dims, dims.length - 1);
        for (int d = 0; d < chunk.length; d++) {
            if (chunk[d] < 1 || chunk[d] > Integer.MAX_VALUE) {
                throw file.error(where, "chunk dimension " + d, at, chunk[d] + "; allowed: 1 to " + Integer.MAX_VALUE);
            }
        }
        return new DataLayout(Kind.CHUNKED, address, 0, at, chunk, dims[dims.length - 1], index, flags, filteredSize, mask, parameters, at);
    }

    private static int dimensionality(FileBytes file, long at, Location where) throws CheckpointFormatException {
        int dimensionality = file.u8(at, where, "chunk dimensionality");
        if (dimensionality < 2 || dimensionality > MAX_DIMENSIONALITY) {
            throw file.error(where, "chunk dimensionality", at, dimensionality + "; allowed: 2 to " + MAX_DIMENSIONALITY
                    + " (the dataset's rank and one for the element)");
        }
        return dimensionality;
    }

    private static int[] parameters(FileBytes file, long p, int count, long end, long at, Location where) throws CheckpointFormatException {
        require(file, p + count, end, at, where);
        int[] parameters = new int[count];
        for (int i = 0; i < count; i++) {
            parameters[i] = file.u8(p + i, where, "chunk index parameter " + i);
        }
        return parameters;
    }

    private static void require(FileBytes file, long needed, long end, long at, Location where) throws CheckpointFormatException {
        if (needed > end) {
            throw file.error(where, "data layout", at, "is " + (end - at) + " bytes, too few for its chunk index fields");
        }
    }
}
