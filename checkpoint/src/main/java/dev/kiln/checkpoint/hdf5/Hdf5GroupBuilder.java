package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.LoadLimits;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A group of an HDF5 file to write: its attributes (in the order given, as h5py keeps them), its
 * child groups and its datasets (listed in the file by name, bytewise, as HDF5's symbol tables
 * order them). Start from {@link #root()}, add to it, then write it with {@link Hdf5Writer}:
 *
 * <pre>{@code
 * Hdf5GroupBuilder root = Hdf5GroupBuilder.root();
 * root.group("layers/dense/vars")
 *     .attribute("name", Hdf5Value.utf8("dense"))
 *     .dataset("0", Hdf5Data.float32(Shape.of(4, 2), kernel));
 * byte[] file = Hdf5Writer.toBytes(root);
 * }</pre>
 *
 * A name is 1 to {@link LoadLimits#MAX_NAME_BYTES} bytes of UTF-8 without '/' or NUL, and not "."; a
 * name used twice in a group, or an attribute set twice, is an IllegalArgumentException.
 */
public final class Hdf5GroupBuilder {
    private final String path;
    private final int depth;
    private final Map<String, Hdf5Value> attributes = new LinkedHashMap<>();
    private final SortedMap<String, Object> children = new TreeMap<>(Hdf5GroupBuilder::compareBytes);

    private Hdf5GroupBuilder(String path, int depth) {
        this.path = path;
        this.depth = depth;
    }

    /** An empty root group ("/"). */
    public static Hdf5GroupBuilder root() {
        return new Hdf5GroupBuilder("/", 0);
    }

    /**
     * The group at {@code relativePath} ("a" or "a/b/c") under this one, made (with any group on
     * the way) when it does not exist; a dataset of that name on the way is an error.
     */
    public Hdf5GroupBuilder group(String relativePath) {
        String[] names = relativePath.split("/", -1);
        for (String name : names) {
            checkName(name, "group path '" + relativePath + "': group");
        }
        Hdf5GroupBuilder group = this;
        for (String name : names) {
            Object child = group.children.get(name);
            if (child instanceof Hdf5GroupBuilder existing) {
                group = existing;
                continue;
            }
            if (child != null) {
                throw new IllegalArgumentException(group.childPath(name) + " is a dataset, not a group");
            }
            if (group.depth + 1 > LoadLimits.MAX_GROUP_DEPTH) {
                throw new IllegalArgumentException(group.childPath(name) + " would nest groups " + (group.depth + 1)
                        + " deep; Kiln reads at most " + LoadLimits.MAX_GROUP_DEPTH);
            }
            Hdf5GroupBuilder made = new Hdf5GroupBuilder(group.childPath(name), group.depth + 1);
            group.children.put(name, made);
            group = made;
        }
        return group;
    }

    /** Adds the dataset {@code name} holding {@code data}; returns this group. */
    public Hdf5GroupBuilder dataset(String name, Hdf5Data data) {
        checkName(name, "dataset");
        if (children.containsKey(name)) {
            throw new IllegalArgumentException(childPath(name) + " already exists");
        }
        children.put(name, data);
        return this;
    }

    /** Sets the attribute {@code name} to {@code value}; returns this group. */
    public Hdf5GroupBuilder attribute(String name, Hdf5Value value) {
        checkName(name, "attribute");
        if (attributes.containsKey(name)) {
            throw new IllegalArgumentException("attribute '" + name + "' of " + path + " is already set");
        }
        attributes.put(name, value);
        return this;
    }

    /** The group's path from the root ("/", "/layers/dense"). */
    public String path() {
        return path;
    }

    /** The attributes in the order they were set. */
    Map<String, Hdf5Value> attributes() {
        return Collections.unmodifiableMap(attributes);
    }

    /** The children by name, bytewise: each an {@code Hdf5GroupBuilder} or an {@link Hdf5Data}. */
    SortedMap<String, Object> children() {
        return Collections.unmodifiableSortedMap(children);
    }

    private String childPath(String name) {
        return path.equals("/") ? "/" + name : path + "/" + name;
    }

    private void checkName(String name, String what) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (name.isEmpty() || name.equals(".") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0
                || bytes.length > LoadLimits.MAX_NAME_BYTES || !StandardCharsets.UTF_8.newEncoder().canEncode(name)) {
            throw new IllegalArgumentException(what + " name '" + name + "' in " + path + " is not allowed: a name is 1 to "
                    + LoadLimits.MAX_NAME_BYTES + " bytes of UTF-8, without '/' or NUL, and not '.'");
        }
    }

    /** HDF5 orders a symbol table's names as C's strcmp does: by their bytes, unsigned. */
    static int compareBytes(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
