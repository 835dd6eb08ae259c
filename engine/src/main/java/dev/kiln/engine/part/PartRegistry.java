package dev.kiln.engine.part;

import dev.kiln.engine.json.JsonValues;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Factories that rebuild parts of one kind (layers, losses, metrics, optimizers, schedules) from
 * their configs, by type: one line registers a part. A checkpoint names only types found here:
 * nothing is instantiated by reflection from file contents. Other modules add their own parts
 * (nlp registers TextVectorization), so the checkpoint module never needs to know them.
 */
public final class PartRegistry<T extends Part> {
    private final String kind;
    private final Map<String, Function<PartConfig, ? extends T>> factories = new LinkedHashMap<>();

    /** An empty registry of parts of {@code kind} ("layer", "loss", ...; named in errors). */
    public PartRegistry(String kind) {
        this.kind = kind;
    }

    /** The kind of part this registry makes ("layer", "loss", ...), as named in errors. */
    public String kind() {
        return kind;
    }

    /** Registers the factory of one part type; a type registered twice is an error. Returns this registry. */
    public PartRegistry<T> register(String type, Function<PartConfig, ? extends T> factory) {
        if (factories.putIfAbsent(type, factory) != null) {
            throw new IllegalArgumentException(kind + " type '" + type + "' is already registered");
        }
        return this;
    }

    /** A copy to which more parts can be registered without changing this one. */
    public PartRegistry<T> copy() {
        PartRegistry<T> copy = new PartRegistry<>(kind);
        copy.factories.putAll(factories);
        return copy;
    }

    /** The registered types, in registration order. */
    public Set<String> types() {
        return factories.keySet();
    }

    /** The part the config describes; an unknown type is an error that lists the known ones. */
    public T create(PartConfig config) {
        Function<PartConfig, ? extends T> factory = factories.get(config.type());
        if (factory == null) {
            throw new PartConfigException("unknown " + kind + " type '" + JsonValues.shortened(config.type())
                    + "'; this registry knows " + factories.keySet());
        }
        return factory.apply(config);
    }
}
