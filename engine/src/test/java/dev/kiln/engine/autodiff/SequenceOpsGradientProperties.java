package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.kiln.engine.autodiff.GradientCheck.assertGradients;
import static dev.kiln.engine.autodiff.GradientCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The sequence pooling ops, row normalization and the per-feature scale against central finite
 * differences over random shapes and uneven lengths (an empty sequence and one of length 1 in
 * every batch), and their edge cases exactly.
 */
class SequenceOpsGradientProperties {
    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());

    @Property(tries = 20)
    void sequenceMean(@ForAll @IntRange(min = 2, max = 6) int batch, @ForAll @IntRange(min = 1, max = 6) int features,
                      @ForAll long seed) {
        Random r = new Random(seed);
        PackedSequences packed = PackedSequences.random(r, batch, 5);
        assertGradients("sequence mean", (ops, v) -> ops.sequenceMean(v.get(0), packed.lengths(), packed.offsets()),
                random(r, -1, 1, packed.tokens(), features));
    }

    @Property(tries = 20)
    void sequenceMax(@ForAll @IntRange(min = 2, max = 6) int batch, @ForAll @IntRange(min = 1, max = 6) int features,
                     @ForAll long seed) {
        Random r = new Random(seed);
        PackedSequences packed = PackedSequences.random(r, batch, 5);
        assertGradients("sequence max", (ops, v) -> ops.sequenceMax(v.get(0), packed.lengths(), packed.offsets()),
                PackedSequences.distinctValues(r, packed.tokens(), features));
    }

    @Property(tries = 20)
    void normalizeRows(@ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 9) int features,
                       @ForAll boolean largeEpsilon, @ForAll long seed) {
        Random r = new Random(seed);
        double epsilon = largeEpsilon ? 0.5 : 1e-3;
        assertGradients("normalize rows", (ops, v) -> ops.normalizeRows(v.get(0), epsilon), PackedSequences.spreadRows(r, rows, features));
    }

    @Property(tries = 20)
    void multiplyByARow(@ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 1, max = 9) int features,
                        @ForAll long seed) {
        Random r = new Random(seed);
        assertGradients("scale columns", (ops, v) -> ops.multiply(v.get(0), v.get(1)), random(r, -2, 2, rows, features),
                random(r, -2, 2, features));
    }

    /** Layer normalization as the layer composes it: normalize, scale by gamma, shift by beta; every input's gradient. */
    @Property(tries = 15)
    void normalizeScaleShift(@ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 2, max = 8) int features,
                             @ForAll long seed) {
        Random r = new Random(seed);
        assertGradients("layer normalization", (ops, v) -> ops.add(ops.multiply(ops.normalizeRows(v.get(0), 1e-3), v.get(1)), v.get(2)),
                PackedSequences.spreadRows(r, rows, features), random(r, 0.5f, 1.5f, features), random(r, -1, 1, features));
    }

    @Test
    void emptySequencesGiveZerosAndTakeNoGradient() {
        PackedSequences packed = PackedSequences.of(0, 2, 0);
        Variable values = Variable.parameter(Tensor.wrap(new float[] {1, -2, 3, 4}, 2, 2), "values");
        Tape tape = Tape.recording();
        Ops ops = new Ops(KERNELS, tape);
        Variable mean = ops.sequenceMean(values, packed.lengths(), packed.offsets());
        Variable max = ops.sequenceMax(values, packed.lengths(), packed.offsets());
        assertArrayEquals(new float[] {0, 0, 2, 1, 0, 0}, mean.data());
        assertArrayEquals(new float[] {0, 0, 3, 4, 0, 0}, max.data());
        tape.backward(ops.sum(ops.add(mean, max)));
        assertArrayEquals(new float[] {0.5f, 0.5f, 1.5f, 1.5f}, values.grad().data());

        Variable none = Variable.parameter(Tensor.zeros(0, 3), "none");
        Ops inference = new Ops(KERNELS, Tape.inference());
        assertArrayEquals(new float[6], inference.sequenceMean(none, new int[2], new int[2]).data());
        assertArrayEquals(new float[6], inference.sequenceMax(none, new int[2], new int[2]).data());
    }

    /** A value held by several steps (a repeated token) shares the gradient evenly, as TensorFlow's and torch's max do. */
    @Test
    void tiedMaximaShareTheGradient() {
        Variable values = Variable.parameter(Tensor.wrap(new float[] {5, 1, 5, 2, 5, 2}, 3, 2), "values");
        Tape tape = Tape.recording();
        Ops ops = new Ops(KERNELS, tape);
        Variable max = ops.sequenceMax(values, new int[] {3}, new int[] {0});
        assertArrayEquals(new float[] {5, 2}, max.data());
        tape.backward(max, Tensor.wrap(new float[] {3, 1}, 1, 2));
        assertArrayEquals(new float[] {1, 0, 1, 0.5f, 1, 0.5f}, values.grad().data());
    }

    @Test
    void aSequenceOutsideTheValuesIsNamed() {
        Ops ops = new Ops(KERNELS, Tape.inference());
        Variable values = Variable.constant(Tensor.zeros(3, 2));
        var error = assertThrows(IllegalArgumentException.class, () -> ops.sequenceMean(values, new int[] {2, 2}, new int[] {0, 2}));
        org.junit.jupiter.api.Assertions.assertEquals(
                "sequence mean: sequence 1 (offset 2, length 2) lies outside the 3 rows of [3, 2]", error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ops.normalizeRows(values, 0));
    }
}
