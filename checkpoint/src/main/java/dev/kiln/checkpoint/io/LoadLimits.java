package dev.kiln.checkpoint.io;

import dev.kiln.engine.json.JsonReader;

/**
 * The limits every loader applies to a file before it allocates (the Kiln format, safetensors,
 * and any format added later), and the memory bound they give. checkpoint/FORMAT.md states them;
 * layer configs have their own ranges (PartConfig.MAX_DIMENSION, TextVectorization's
 * MAX_SEQUENCE_LENGTH and MAX_PADDED_WIDTH, Ngrams.MAX_WIDTH), checked when a layer is created
 * from a file.
 */
public final class LoadLimits {
    /** A file is read through one mapping and its tensors live in Java arrays. */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE;
    /** Metadata text (Kiln) or header JSON (safetensors): room for a vocabulary of about a million tokens. */
    public static final int MAX_METADATA_BYTES = 16 << 20;
    /** How deeply JSON may nest: the JSON reader's own limit, which keeps the stack bounded. */
    public static final int MAX_JSON_DEPTH = JsonReader.MAX_DEPTH;
    /** A tensor name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 4096;
    /** Dimensions of one tensor. */
    public static final int MAX_RANK = 8;
    /** How deeply groups may nest in an HDF5 file (Keras nests five levels): the reader's recursion stays shallow. */
    public static final int MAX_GROUP_DEPTH = 64;
    /** Elements of one tensor: it must fit in one Java array. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 16;
    /**
     * Reading and parsing metadata allocates at most this many bytes per byte of metadata text
     * (garbage included; LoadBoundTest measures the costliest JSON shapes, a list of short decimals
     * being the worst).
     */
    public static final int METADATA_EXPANSION = 48;
    /** The heap a load may use whatever the file's size: the 16 MiB of the bound 2 D + 48 M + 16 MiB. */
    public static final long FIXED_ALLOWANCE = 16L << 20;

    private LoadLimits() {}

    /** {@code elements * dim} for dimensions >= 0 (unsigned 64-bit ones included), or -1 when it exceeds {@link #MAX_ELEMENTS}. */
    public static long elementsTimes(long elements, long dim) {
        if (dim < 0 || Math.multiplyHigh(elements, dim) != 0 || elements * dim > MAX_ELEMENTS) {
            return -1;
        }
        return elements * dim;
    }

    /**
     * The most Java heap that loading a file may allocate in all (garbage included): twice its
     * tensor data (float32 values, and a float32 copy of narrower types), {@link #METADATA_EXPANSION}
     * times its metadata, and {@link #FIXED_ALLOWANCE} for everything of fixed size.
     */
    public static long heapBound(long tensorDataBytes, long metadataBytes) {
        return 2 * tensorDataBytes + METADATA_EXPANSION * metadataBytes + FIXED_ALLOWANCE;
    }
}
