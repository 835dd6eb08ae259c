package dev.kiln.checkpoint.hdf5;

/**
 * Where an object sits in the file: its parent and its link name. The path is built only when
 * asked for (an error message, {@code path()}), so a deep file with long names costs no path
 * strings while it is read.
 */
record Location(Location parent, String name) {
    /** The root group, "/". */
    static final Location ROOT = new Location(null, "/");
    /** The superblock, for errors before the root group is known. */
    static final Location SUPERBLOCK = new Location(null, "superblock");

    /** The child named {@code child} of this group. */
    Location child(String child) {
        return new Location(this, child);
    }

    /** The object's path: "/", "/layers/dense/vars/0"; or "superblock". */
    String path() {
        if (parent == null) {
            return name;
        }
        StringBuilder out = new StringBuilder();
        append(out);
        return out.toString();
    }

    private void append(StringBuilder out) {
        if (parent == null) {
            return; // the root: children start with "/"
        }
        parent.append(out);
        out.append('/').append(name);
    }
}
