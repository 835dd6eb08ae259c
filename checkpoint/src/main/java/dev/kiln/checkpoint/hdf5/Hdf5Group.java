package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;

import java.util.List;
import java.util.Optional;

/**
 * A group: named children (groups and datasets) in the file's order, which for a symbol table is
 * by name, and attributes. Children are found by a path relative to the group, names separated by
 * "/" ({@code root.dataset("model_weights/dense/dense/kernel:0")}); the {@code find...} methods
 * answer with an empty Optional, the others with an error that names what the group holds.
 */
public final class Hdf5Group implements Hdf5Object {
    private static final int LISTED_CHILDREN = 12;

    private final Location location;
    private final String source;
    private final List<Hdf5Attribute> attributes;
    private final List<Hdf5Object> children;

    Hdf5Group(Location location, String source, List<Hdf5Attribute> attributes, List<Hdf5Object> children) {
        this.location = location;
        this.source = source;
        this.attributes = attributes;
        this.children = List.copyOf(children);
    }

    @Override
    public String name() {
        return location.name();
    }

    @Override
    public String path() {
        return location.path();
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public List<Hdf5Attribute> attributes() {
        return attributes;
    }

    /** The groups and datasets it holds, in the file's order. */
    public List<Hdf5Object> children() {
        return children;
    }

    /** The groups it holds, in the file's order. */
    public List<Hdf5Group> groups() {
        return children(Hdf5Group.class);
    }

    /** The datasets it holds, in the file's order. */
    public List<Hdf5Dataset> datasets() {
        return children(Hdf5Dataset.class);
    }

    /** The object at {@code path} below this group ("a/b/c"; empty segments are skipped), if there is one. */
    public Optional<Hdf5Object> find(String path) {
        Hdf5Object at = this;
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (!(at instanceof Hdf5Group group) || (at = group.child(segment)) == null) {
                return Optional.empty();
            }
        }
        return Optional.of(at);
    }

    /** The group at {@code path} below this group, if there is one. */
    public Optional<Hdf5Group> findGroup(String path) {
        return find(path).filter(Hdf5Group.class::isInstance).map(Hdf5Group.class::cast);
    }

    /** The dataset at {@code path} below this group, if there is one. */
    public Optional<Hdf5Dataset> findDataset(String path) {
        return find(path).filter(Hdf5Dataset.class::isInstance).map(Hdf5Dataset.class::cast);
    }

    /** The group at {@code path}; a missing one, or a dataset there, is an error naming what the deepest group on the way holds. */
    public Hdf5Group group(String path) throws CheckpointFormatException {
        return switch (resolve(path)) {
            case Hdf5Group group -> group;
            case Hdf5Dataset dataset -> throw kindError(dataset, "group");
        };
    }

    /** The dataset at {@code path}; a missing one, or a group there, is an error naming what the deepest group on the way holds. */
    public Hdf5Dataset dataset(String path) throws CheckpointFormatException {
        return switch (resolve(path)) {
            case Hdf5Dataset dataset -> dataset;
            case Hdf5Group group -> throw kindError(group, "dataset");
        };
    }

    /** Its path and the number of children, e.g. {@code /model_weights (9 children)}. */
    @Override
    public String toString() {
        return path() + " (" + children.size() + " children)";
    }

    private <T extends Hdf5Object> List<T> children(Class<T> kind) {
        return children.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    private Hdf5Object child(String name) {
        for (Hdf5Object child : children) {
            if (child.name().equals(name)) {
                return child;
            }
        }
        return null;
    }

    private Hdf5Object resolve(String path) throws CheckpointFormatException {
        Hdf5Object at = this;
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (!(at instanceof Hdf5Group group)) {
                throw new CheckpointFormatException(source + ": " + at.path() + ": is a dataset; allowed: a group on the way to \"" + path
                        + "\"");
            }
            at = group.child(segment);
            if (at == null) {
                throw new CheckpointFormatException(source + ": " + group.location.child(segment).path() + ": not found; " + group.path()
                        + " holds " + group.listing());
            }
        }
        return at;
    }

    private CheckpointFormatException kindError(Hdf5Object found, String wanted) {
        return new CheckpointFormatException(source + ": " + found.path() + ": is a " + (found instanceof Hdf5Group ? "group" : "dataset")
                + "; allowed: a " + wanted);
    }

    private String listing() {
        if (children.isEmpty()) {
            return "nothing";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(children.size(), LISTED_CHILDREN); i++) {
            Hdf5Object child = children.get(i);
            out.append(i == 0 ? "" : ", ").append(child.name()).append(child instanceof Hdf5Group ? " (group)" : " (dataset)");
        }
        return children.size() > LISTED_CHILDREN ? out + " and " + (children.size() - LISTED_CHILDREN) + " more" : out.toString();
    }
}
