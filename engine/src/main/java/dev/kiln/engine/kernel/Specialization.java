package dev.kiln.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.io.IOException;
import java.io.InputStream;
import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gives each vector width its own copy of a kernel class.
 *
 * <p>Why: C2 turns Vector API calls into SIMD instructions only when the species is a compile-time
 * constant. A species held in an instance field is not, and every vector then becomes a heap
 * object (about 100x slower). So each vectorized loop class (a "template") reads its species from
 * a {@code static final} field initialised by {@link #species}, and this class defines a hidden
 * copy of the template per species, handing the species over as class data. Within each copy the
 * species is a true constant, and the width can still be chosen by the caller at run time.
 *
 * <p>Copies are memoised per (template, species); they are immutable, so sharing them is safe.
 */
final class Specialization {
    private static final Map<String, Object> COPIES = new ConcurrentHashMap<>();

    private Specialization() {}

    /** A new instance of {@code template}'s copy for {@code species}, cast to {@code type}. */
    static <T> T instantiate(Class<T> type, Class<? extends T> template, VectorSpecies<Float> species) {
        String key = template.getName() + "/" + species.vectorBitSize();
        return type.cast(COPIES.computeIfAbsent(key, unused -> define(template, species)));
    }

    /**
     * Called from a template's static initialiser with its own lookup: the class data of a hidden
     * copy, or the preferred species when the template class itself is used.
     */
    @SuppressWarnings("unchecked")
    static VectorSpecies<Float> species(MethodHandles.Lookup lookup) {
        if (!lookup.lookupClass().isHidden()) {
            return FloatVector.SPECIES_PREFERRED;
        }
        try {
            return MethodHandles.classData(lookup, ConstantDescs.DEFAULT_NAME, VectorSpecies.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read the species of " + lookup.lookupClass(), e);
        }
    }

    private static Object define(Class<?> template, VectorSpecies<Float> species) {
        String resource = template.getSimpleName() + ".class";
        try (InputStream in = template.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class file " + resource + " not found next to " + template.getName());
            }
            byte[] bytes = in.readAllBytes();
            MethodHandles.Lookup copy = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(bytes, species, true);
            return copy.findConstructor(copy.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot specialise " + template.getName() + " for " + species, e);
        }
    }
}
