package dev.kiln.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernel families for one vector width, built together so they agree on it, and the pool
 * that large operations may split over. This is the only place that reads
 * {@link FloatVector#SPECIES_PREFERRED}: everything else receives its width.
 */
public record Kernels(Gemm gemm, Arithmetic arithmetic, Activations activations, Reductions reductions,
                      LstmCell lstmCell, GruCell gruCell, ComputePool pool) {

    /** Kernels for the widest vectors this CPU runs natively. */
    public static Kernels preferred(ComputePool pool) {
        return of(FloatVector.SPECIES_PREFERRED, pool);
    }

    /** Kernels for a given width: 128-, 256- and 512-bit all run anywhere (slowly if not native). */
    public static Kernels of(VectorSpecies<Float> species, ComputePool pool) {
        return new Kernels(new Gemm(species, pool), new Arithmetic(species), new Activations(species),
                new Reductions(species), new LstmCell(species), new GruCell(species), pool);
    }

    /** The vector width all these kernels compute with. */
    public VectorSpecies<Float> species() {
        return gemm.species();
    }
}
