package dev.kiln.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The vector widths every kernel is tested at; a width the CPU lacks still runs (slowly). */
public enum Width {
    BITS_128(FloatVector.SPECIES_128),
    BITS_256(FloatVector.SPECIES_256),
    BITS_512(FloatVector.SPECIES_512);

    public final VectorSpecies<Float> species;

    Width(VectorSpecies<Float> species) {
        this.species = species;
    }
}
