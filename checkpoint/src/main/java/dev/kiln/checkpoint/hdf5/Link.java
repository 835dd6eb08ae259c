package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.LoadLimits;

/**
 * A group's hard link to a child: its name, the address of its object header, and where the link
 * stands in the file (for errors). Symbol tables and link messages both give links; a link message
 * (HDF5 spec IV.A.2.g) is read here, a soft or external link refused by name.
 */
record Link(String name, long header, long at) {
    /** Reads the link message of {@code length} bytes at {@code at}, in the header (compact) or a fractal heap (dense) of group {@code where}. */
    static Link read(FileBytes file, long at, long length, Location where) throws CheckpointFormatException {
        long end = at + length;
        file.require(at, length, where, "link message");
        file.expect(at, 1, where, "link message version");
        int flags = file.u8(at + 1, where, "link message flags");
        long p = at + 2;
        int type = 0;
        if ((flags & 0x08) != 0) {
            type = file.u8(p++, where, "link type");
        }
        if ((flags & 0x04) != 0) {
            p += 8; // the creation order: h5py lists links by name
        }
        if ((flags & 0x10) != 0) {
            int charset = file.u8(p++, where, "link name character set");
            if (charset > 1) {
                throw file.error(where, "link name character set", p - 1, charset + "; allowed: 0 (ASCII) or 1 (UTF-8)");
            }
        }
        int lengthBytes = 1 << (flags & 3);
        if (p + lengthBytes > end) {
            throw file.error(where, "link message", at, "is " + length + " bytes, too few for its fields");
        }
        long nameLength = file.unsigned(p, lengthBytes, where, "link name length");
        p += lengthBytes;
        if (nameLength < 1 || nameLength > LoadLimits.MAX_NAME_BYTES || nameLength > end - p) {
            throw file.error(where, "link name length", p - lengthBytes, nameLength + " bytes; allowed: 1 to " + Math.min(
                    LoadLimits.MAX_NAME_BYTES, Math.max(1, end - p)) + " (the message's bytes left)");
        }
        file.spendName(nameLength, where, p);
        String name = checkName(file, file.utf8(p, (int) nameLength, where, "link name"), where, p);
        p += nameLength;
        return switch (type) {
            case 0 -> {
                if (end - p < 8) {
                    throw file.error(where.child(name), "link message", at, "is " + length + " bytes, too few for the object's address");
                }
                yield new Link(name, file.definedAddress(p, 16, where.child(name), "object header address"), at);
            }
            case 1 -> throw file.error(where.child(name), "link type", at, "a soft link is not supported; allowed: hard links");
            case 64 -> throw file.error(where.child(name), "link type", at, "an external link (to an object in another file) is not"
                    + " supported; allowed: hard links");
            default -> throw file.error(where.child(name), "link type", at, "type " + type + "; allowed: 0 (a hard link)");
        };
    }

    /** Fails unless {@code name} can name a child: no "/", not ".". */
    static String checkName(FileBytes file, String name, Location where, long at) throws CheckpointFormatException {
        if (name.equals(".") || name.indexOf('/') >= 0) {
            throw file.error(where, "link name", at, "\"" + name + "\"; allowed: a name without \"/\", other than \".\"");
        }
        return name;
    }
}
