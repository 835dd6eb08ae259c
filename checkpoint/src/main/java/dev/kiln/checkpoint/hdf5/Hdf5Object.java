package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;

import java.util.List;
import java.util.Optional;

/**
 * An object of an HDF5 file: a {@link Hdf5Group} or a {@link Hdf5Dataset}, each with its name, its
 * path and its attributes. The interface is sealed, so a walk over a group's children is a
 * {@code switch} over the two kinds, with no cast.
 */
public sealed interface Hdf5Object permits Hdf5Group, Hdf5Dataset {
    /** The link name by which its group holds it; "/" for the root group. */
    String name();

    /** The path from the root: "/" for the root group, "/layers/dense/vars/0" for a dataset. */
    String path();

    /** The file it was read from, as errors name it. */
    String source();

    /** Its attributes, in the order its object header lists them. */
    List<Hdf5Attribute> attributes();

    /** The attribute named {@code name}, if there is one. */
    default Optional<Hdf5Attribute> findAttribute(String name) {
        for (Hdf5Attribute attribute : attributes()) {
            if (attribute.name().equals(name)) {
                return Optional.of(attribute);
            }
        }
        return Optional.empty();
    }

    /** The attribute named {@code name}; its absence is an error naming the file, the object and the attributes it has. */
    default Hdf5Attribute attribute(String name) throws CheckpointFormatException {
        Optional<Hdf5Attribute> found = findAttribute(name);
        if (found.isPresent()) {
            return found.get();
        }
        List<String> names = attributes().stream().map(Hdf5Attribute::name).toList();
        throw new CheckpointFormatException(source() + ": " + path() + ", attribute \"" + name + "\": not found; "
                + (names.isEmpty() ? "the object has no attributes" : "the object has " + String.join(", ", names)));
    }
}
