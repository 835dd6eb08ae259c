package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;

import java.util.HashSet;
import java.util.Set;

/**
 * A fractal heap (HDF5 spec III.G), where a group's links or an object's attributes live in dense
 * storage: a header ({@code FRHP}), a doubling table of direct blocks ({@code FHDB}) and indirect
 * blocks ({@code FHIB}), each sealed by a checksum. {@link #find} turns a heap ID into the file
 * range of its object: a managed object (found by walking the doubling table from the root), a
 * tiny one (inside the ID) or a huge one (through the heap's version 2 B-tree). Every block is
 * checked once and claimed, and the walk's depth is bounded by the table's rows.
 */
final class FractalHeap {
    /** Where an object's bytes are. */
    record Span(long at, long length) {}

    private static final int HEADER_BYTES = 146;
    private final FileBytes file;
    private final Location where;
    private final String what;
    private final long address;
    private final int idLength;
    private final int width;
    private final long startBlock;
    private final long maxDirectBlock;
    private final int offsetBytes;
    private final int lengthBytes;
    private final long root;
    private final int rootRows;
    private final boolean checksummedDirectBlocks;
    private final long hugeObjects;
    private final int maxDirectRows;
    private final Set<Long> checked = new HashSet<>();
    private java.util.List<Long> hugeRecords;

    /** Reads the heap header at {@code address}; {@code what} ("link", "attribute") names it in errors. */
    FractalHeap(FileBytes file, long address, Location where, String what) throws CheckpointFormatException {
        this.file = file;
        this.where = where;
        this.what = what + " fractal heap";
        this.address = address;
        file.signature(address, "FRHP", where, this.what);
        file.expect(address + 4, 0, where, this.what + " version");
        idLength = file.u16(address + 5, where, this.what + " heap ID length");
        int filterLength = file.u16(address + 7, where, this.what + " I/O filter length");
        if (filterLength != 0) {
            throw file.error(where, this.what, address, "a fractal heap whose blocks are filtered (compressed) is not supported");
        }
        file.require(address, HEADER_BYTES, where, this.what);
        file.checksum(address, HEADER_BYTES - 4, where, this.what);
        file.claim(address, HEADER_BYTES, where, this.what);
        int flags = file.u8(address + 9, where, this.what + " flags");
        checksummedDirectBlocks = (flags & 2) != 0;
        long maxManaged = file.u32(address + 10, where, this.what + " maximum managed object size");
        hugeObjects = file.address(address + 22, where, this.what + " huge object B-tree address");
        width = file.u16(address + 110, where, this.what + " table width");
        startBlock = file.u64(address + 112, where, this.what + " starting block size");
        maxDirectBlock = file.u64(address + 120, where, this.what + " maximum direct block size");
        int maxHeapBits = file.u16(address + 128, where, this.what + " maximum heap size");
        root = file.address(address + 132, where, this.what + " root block address");
        rootRows = file.u16(address + 140, where, this.what + " root indirect block rows");
        if (width < 1 || width > 65536 || Integer.bitCount(width) != 1 || !powerOfTwo(startBlock) || !powerOfTwo(maxDirectBlock)
                || startBlock > maxDirectBlock || maxDirectBlock > 1 << 30 || maxHeapBits < 8 || maxHeapBits > 64 || idLength < 2
                || idLength > 64) {
            throw file.error(where, this.what, address, "a doubling table of width " + width + ", blocks of " + startBlock + " to "
                    + maxDirectBlock + " bytes, " + maxHeapBits + "-bit offsets and " + idLength + "-byte IDs; allowed: powers of two,"
                    + " direct blocks of at most 1 GiB, offsets of 8 to 64 bits, IDs of 2 to 64 bytes");
        }
        offsetBytes = (maxHeapBits + 7) / 8;
        lengthBytes = Math.min((log2(maxDirectBlock) + 7) / 8, log2(Math.max(maxManaged, 1)) / 8 + 1);
        maxDirectRows = log2(maxDirectBlock) - log2(startBlock) + 2;
        int maxRows = 62 - log2(startBlock) - log2(width); // so that no row's offsets overflow
        if (rootRows > maxRows) {
            throw file.error(where, this.what + " root indirect block rows", address + 140, rootRows + "; allowed: at most " + maxRows);
        }
    }

    /** The heap ID's length in bytes. */
    int idLength() {
        return idLength;
    }

    /** Where the object named by the heap ID at {@code id} is. */
    Span find(long id) throws CheckpointFormatException {
        int flags = file.u8(id, where, what + " heap ID");
        if ((flags & 0xC0) != 0) {
            throw file.error(where, what + " heap ID version", id, (flags >>> 6) + "; allowed: 0");
        }
        return switch ((flags >>> 4) & 3) {
            case 0 -> managed(file.unsigned(id + 1, offsetBytes, where, what + " object offset"),
                    file.unsigned(id + 1 + offsetBytes, lengthBytes, where, what + " object length"), id);
            case 1 -> huge(id);
            case 2 -> {
                long length = (flags & 0x0F) + 1;
                if (length > idLength - 1) {
                    throw file.error(where, what + " tiny object length", id, length + " bytes; allowed: at most " + (idLength - 1));
                }
                yield new Span(id + 1, length);
            }
            default -> throw file.error(where, what + " heap ID type", id, "type 3; allowed: 0 (managed), 1 (huge), 2 (tiny)");
        };
    }

    private Span managed(long offset, long length, long id) throws CheckpointFormatException {
        if (root == FileBytes.UNDEFINED) {
            throw file.error(where, what + " heap ID", id, "names an object, but the heap is empty");
        }
        if (length == 0) {
            throw file.error(where, what + " object length", id, "0; allowed: 1 or more");
        }
        long block = root;
        long blockOffset = 0; // heap offset at which the block starts
        int rows = rootRows;
        long size = startBlock;
        for (int level = 0; rows > 0; level++) {
            if (level > 64) {
                throw file.error(where, what + " indirect block", block, "nests deeper than 64 levels");
            }
            // An indirect block: rows of `width` children; rows below maxDirectRows are direct blocks.
            long entries = (long) rows * width;
            long entryBytes = 8;
            long header = 4 + 1 + 8 + offsetBytes;
            long blockBytes = header + entries * entryBytes;
            checkBlock(block, "FHIB", blockBytes, blockOffset, id);
            long rowStart = 0;
            int row = 0;
            long rowSize = startBlock;
            for (; row < rows; row++) {
                rowSize = row < 2 ? startBlock : startBlock << (row - 1);
                if (offset - blockOffset < rowStart + rowSize * width) {
                    break;
                }
                rowStart += rowSize * width;
            }
            if (row == rows) {
                throw file.error(where, what + " object offset", id, offset + " lies past the heap's indirect block at " + block);
            }
            long column = (offset - blockOffset - rowStart) / rowSize;
            long child = file.address(block + header + (row * (long) width + column) * entryBytes, where, what + " block address");
            if (child == FileBytes.UNDEFINED) {
                throw file.error(where, what + " object offset", id, offset + " lies in a block the heap never allocated");
            }
            blockOffset += rowStart + column * rowSize;
            block = child;
            size = rowSize;
            rows = row < maxDirectRows ? 0 : log2(rowSize) - log2(startBlock * width) + 1;
        }
        long header = 4 + 1 + 8 + offsetBytes + (checksummedDirectBlocks ? 4 : 0);
        checkBlock(block, "FHDB", size, blockOffset, id);
        long within = offset - blockOffset;
        if (within < header || length > size - within) {
            throw file.error(where, what + " object offset", id, "object at heap offset " + offset + " of " + length + " bytes does not lie"
                    + " inside the data of its direct block at " + block + " (" + size + " bytes)");
        }
        return new Span(block + within, length);
    }

    /** Checks a block's signature, version, heap address, offset and checksum, once. */
    private void checkBlock(long block, String signature, long bytes, long blockOffset, long id) throws CheckpointFormatException {
        if (checked.contains(block)) {
            return;
        }
        String name = what + (signature.equals("FHDB") ? " direct block" : " indirect block");
        file.signature(block, signature, where, name);
        file.require(block, bytes + (signature.equals("FHIB") ? 4 : 0), where, name);
        file.expect(block + 4, 0, where, name + " version");
        if (file.raw64(block + 5, where, name + " heap address") != address) {
            throw file.error(where, name + " heap address", block + 5, "names another heap than the one at " + address);
        }
        long found = file.unsigned(block + 13, offsetBytes, where, name + " block offset");
        if (found != blockOffset) {
            throw file.error(where, name + " block offset", block + 13, found + "; allowed: " + blockOffset + " (where the table puts it)");
        }
        if (signature.equals("FHIB")) {
            file.checksum(block, bytes, where, name);
            file.claim(block, bytes + 4, where, name);
        } else {
            if (checksummedDirectBlocks) {
                long checksumAt = block + 13 + offsetBytes;
                long stored = file.u32(checksumAt, where, name + " checksum");
                long computed = Integer.toUnsignedLong(file.hashZeroed(block, bytes, checksumAt));
                if (stored != computed) {
                    throw file.error(where, name + " checksum", checksumAt, String.format("stored %08x, but the block hashes to %08x;"
                            + " allowed: the checksum of the bytes (the block was changed or damaged)", stored, computed));
                }
            }
            file.claim(block, bytes, where, name);
        }
        checked.add(block);
    }

    /** A huge object: its ID is a key into the heap's version 2 B-tree of records (address, length, ID). */
    private Span huge(long id) throws CheckpointFormatException {
        if (hugeObjects == FileBytes.UNDEFINED) {
            throw file.error(where, what + " heap ID", id, "names a huge object, but the heap has none");
        }
        long key = file.unsigned(id + 1, Math.min(idLength - 1, 8), where, what + " huge object ID");
        if (hugeRecords == null) {
            hugeRecords = new BTree2(file, hugeObjects, BTree2.HUGE_OBJECTS, where, what + " huge object B-tree").records();
        }
        for (long record : hugeRecords) {
            if (file.raw64(record + 16, where, what + " huge object ID") == key) {
                long at = file.definedAddress(record, 0, where, what + " huge object address");
                long length = file.u64(record + 8, where, what + " huge object length");
                file.require(at, length, where, what + " huge object");
                return new Span(at, length);
            }
        }
        throw file.error(where, what + " huge object ID", id + 1, key + " is not in the heap's huge object B-tree");
    }

    private static boolean powerOfTwo(long value) {
        return value > 0 && Long.bitCount(value) == 1;
    }

    private static int log2(long value) {
        return 63 - Long.numberOfLeadingZeros(value);
    }
}
