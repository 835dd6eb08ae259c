package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;

/**
 * The superblock, version 0 (HDF5 spec II.A), at the start of the file: the sizes of offsets and
 * lengths (8 each, the only ones Kiln reads), the ranks of group B-trees, the end of the file and
 * the root group's object header. Other versions, a user block before the superblock, a base
 * address other than 0 and a driver information block are refused by name.
 */
record Superblock(int leafK, int internalK, long endOfFile, long rootHeader) {
    /** The 8 bytes every HDF5 file starts with. */
    static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final int SIZE = 96;

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
        if (version != 0) {
            throw file.error(at, "version", 8, "version " + version + " is not supported yet; allowed: 0, as HDF5 writes by default"
                    + (version >= 2 ? " (version " + version + " comes from libver='latest' or SWMR)" : ""));
        }
        file.expect(9, 0, at, "free-space storage version");
        file.expect(10, 0, at, "root group symbol table entry version");
        file.expect(12, 0, at, "shared header message format version");
        file.expect(13, 8, at, "size of offsets");
        file.expect(14, 8, at, "size of lengths");
        int leafK = file.u16(16, at, "group leaf node K");
        int internalK = file.u16(18, at, "group internal node K");
        if (leafK == 0 || internalK == 0) {
            throw file.error(at, leafK == 0 ? "group leaf node K" : "group internal node K", leafK == 0 ? 16 : 18, "0; allowed: 1 or more");
        }
        long base = file.raw64(24, at, "base address");
        if (base != 0) {
            throw file.error(at, "base address", 24, Long.toUnsignedString(base) + "; allowed: 0");
        }
        long endOfFile = file.u64(40, at, "end of file address");
        if (endOfFile > file.size()) {
            throw file.error(at, "end of file address", 40, "the file should be " + endOfFile + " bytes but has " + file.size()
                    + " (truncated?)");
        }
        if (endOfFile < SIZE) {
            throw file.error(at, "end of file address", 40, endOfFile + "; allowed: at least the superblock's " + SIZE + " bytes");
        }
        file.end(endOfFile);
        if (file.raw64(48, at, "driver information block address") != FileBytes.UNDEFINED) {
            throw file.error(at, "driver information block address", 48, "a driver information block (a multi-file or family"
                    + " layout) is not supported; allowed: undefined");
        }
        long rootHeader = file.definedAddress(64, 16, at, "root group object header address");
        return new Superblock(leafK, internalK, endOfFile, rootHeader);
    }
}
