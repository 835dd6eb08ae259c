package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;

/**
 * The superblock (HDF5 spec II.A) at the start of the file, versions 0 to 3: the sizes of offsets
 * and lengths (8 each, the only ones Kiln reads), the ranks of version 1 B-trees (versions 0 and 1;
 * version 1 adds the chunk B-tree's), the end of the file and the root group's object header.
 * Versions 2 and 3 (HDF5 1.8 and 1.10 with {@code libver='latest'}) are sealed by a checksum and
 * may point to a superblock extension, an object header read for its B-tree ranks. A user block
 * before the superblock, a base address other than 0 and a driver information block are refused
 * by name.
 */
record Superblock(int version, int leafK, int internalK, int chunkK, long endOfFile, long rootHeader, long extension) {
    /** The 8 bytes every HDF5 file starts with. */
    static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    /** HDF5's default ranks of group B-trees (leaf, internal) and chunk B-trees, when the superblock gives none. */
    static final int DEFAULT_LEAF_K = 4;
    static final int DEFAULT_INTERNAL_K = 16;
    static final int DEFAULT_CHUNK_K = 32;

    /** Reads and checks the superblock of {@code file}. */
    static Superblock read(FileBytes file) throws CheckpointFormatException {
        Location at = Location.SUPERBLOCK;
        if (!file.matches(0, SIGNATURE)) {
            for (long userBlock = 512; userBlock + SIGNATURE.length <= file.size(); userBlock *= 2) {
                if (file.matches(userBlock, SIGNATURE)) {
                    throw file.error(at, "signature", userBlock, "a user block of " + userBlock + " bytes precedes the superblock, which"
                            + " is not supported; allowed: the signature at offset 0");
                }
            }
            throw file.error(at, "signature", 0, "the file does not start with HDF5's signature 89 48 44 46 0d 0a 1a 0a (is it an HDF5"
                    + " file?)");
        }
        int version = file.u8(8, at, "version");
        return switch (version) {
            case 0, 1 -> early(file, version);
            case 2, 3 -> late(file, version);
            default -> throw file.error(at, "version", 8, "version " + version + "; allowed: 0 to 3");
        };
    }

    /** Versions 0 and 1: B-tree ranks and a root symbol table entry; version 1 adds the chunk B-tree rank and 4 bytes. */
    private static Superblock early(FileBytes file, int version) throws CheckpointFormatException {
        Location at = Location.SUPERBLOCK;
        file.expect(9, 0, at, "free-space storage version");
        file.expect(10, 0, at, "root group symbol table entry version");
        file.expect(12, 0, at, "shared header message format version");
        file.expect(13, 8, at, "size of offsets");
        file.expect(14, 8, at, "size of lengths");
        int leafK = nonZero(file, 16, "group leaf node K");
        int internalK = nonZero(file, 18, "group internal node K");
        int chunkK = version == 1 ? nonZero(file, 24, "indexed storage internal node K") : DEFAULT_CHUNK_K;
        long shift = version == 1 ? 4 : 0;
        base(file, 24 + shift);
        long endOfFile = endOfFile(file, 40 + shift, 96 + shift);
        if (file.raw64(48 + shift, at, "driver information block address") != FileBytes.UNDEFINED) {
            throw file.error(at, "driver information block address", 48 + shift, "a driver information block (a multi-file or family"
                    + " layout) is not supported; allowed: undefined");
        }
        long rootHeader = file.definedAddress(64 + shift, 16, at, "root group object header address");
        return new Superblock(version, leafK, internalK, chunkK, endOfFile, rootHeader, FileBytes.UNDEFINED);
    }

    /** Versions 2 and 3: sizes, flags, four addresses and a checksum over the 44 bytes before it. */
    private static Superblock late(FileBytes file, int version) throws CheckpointFormatException {
        Location at = Location.SUPERBLOCK;
        file.expect(9, 8, at, "size of offsets");
        file.expect(10, 8, at, "size of lengths");
        file.require(0, 48, at, "superblock");
        file.checksum(0, 44, at, "superblock");
        base(file, 12);
        long endOfFile = endOfFile(file, 28, 48);
        long extension = file.address(20, at, "superblock extension address");
        long rootHeader = file.definedAddress(36, 16, at, "root group object header address");
        return new Superblock(version, DEFAULT_LEAF_K, DEFAULT_INTERNAL_K, DEFAULT_CHUNK_K, endOfFile, rootHeader, extension);
    }

    /** This superblock with the B-tree ranks a superblock extension gives. */
    Superblock withRanks(int leaf, int internal, int chunk) {
        return new Superblock(version, leaf, internal, chunk, endOfFile, rootHeader, extension);
    }

    private static int nonZero(FileBytes file, long offset, String field) throws CheckpointFormatException {
        int value = file.u16(offset, Location.SUPERBLOCK, field);
        if (value == 0) {
            throw file.error(Location.SUPERBLOCK, field, offset, "0; allowed: 1 or more");
        }
        return value;
    }

    private static void base(FileBytes file, long offset) throws CheckpointFormatException {
        long base = file.raw64(offset, Location.SUPERBLOCK, "base address");
        if (base != 0) {
            throw file.error(Location.SUPERBLOCK, "base address", offset, Long.toUnsignedString(base) + "; allowed: 0");
        }
    }

    /** Reads the end-of-file address and makes it the end of every later read. */
    private static long endOfFile(FileBytes file, long offset, long superblockSize) throws CheckpointFormatException {
        Location at = Location.SUPERBLOCK;
        long endOfFile = file.u64(offset, at, "end of file address");
        if (endOfFile > file.size()) {
            throw file.error(at, "end of file address", offset, "the file should be " + endOfFile + " bytes but has " + file.size()
                    + " (truncated?)");
        }
        if (endOfFile < superblockSize) {
            throw file.error(at, "end of file address", offset, endOfFile + "; allowed: at least the superblock's " + superblockSize
                    + " bytes");
        }
        file.end(endOfFile);
        return endOfFile;
    }
}
