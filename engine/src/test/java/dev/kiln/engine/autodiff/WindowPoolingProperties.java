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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * maxPool1d and flattenSequences over random shapes: gradients against central finite
 * differences; each pooled value against its window as Keras' formulas place it (at least every
 * real step's value, equal to one, its gradient at the first that holds it, ties included); and
 * Flatten as a pure re-indexing, forward and backward.
 */
class WindowPoolingProperties {
    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());

    @Property(tries = 40)
    void maxPoolGradients(@ForAll @IntRange(min = 2, max = 4) int batch, @ForAll @IntRange(min = 1, max = 3) int features,
                          @ForAll @IntRange(min = 1, max = 4) int pool, @ForAll @IntRange(min = 1, max = 4) int stride,
                          @ForAll boolean same, @ForAll long seed) {
        Random r = new Random(seed);
        PackedSequences packed = PackedSequences.random(r, batch, 9);
        Conv1dGeometry geometry = Conv1dGeometry.of(packed.lengths(), pool, stride, 1, same);
        assertGradients("max pool " + (same ? "same" : "valid") + " pool " + pool + " stride " + stride,
                (ops, v) -> ops.maxPool1d(v.get(0), packed.lengths(), packed.offsets(), geometry),
                PackedSequences.distinctValues(r, packed.tokens(), features));
    }

    /** Small integers, so windows tie often; the window and its padding come from Keras' formulas, not the geometry. */
    @Property(tries = 300)
    void eachOutputIsItsWindowsMaxAndTheFirstHolderTakesTheGradient(
            @ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 1, max = 3) int features,
            @ForAll @IntRange(min = 1, max = 5) int pool, @ForAll @IntRange(min = 1, max = 5) int stride,
            @ForAll boolean same, @ForAll long seed) {
        Random r = new Random(seed);
        int[] lengths = new int[batch];
        for (int s = 0; s < batch; s++) {
            lengths[s] = r.nextInt(12);
        }
        PackedSequences packed = PackedSequences.of(lengths);
        float[] x = new float[packed.tokens() * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(4) - 2;
        }
        Variable input = Variable.parameter(Tensor.wrap(x, packed.tokens(), features), "x");
        Tape tape = Tape.recording();
        Conv1dGeometry geometry = Conv1dGeometry.of(lengths, pool, stride, 1, same);
        Variable out = new Ops(KERNELS, tape).maxPool1d(input, lengths, packed.offsets(), geometry);
        float[] dy = new float[out.value().size()];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = i + 1; // distinct, so each output's gradient can be found where it landed
        }
        tape.backward(out, Tensor.wrap(dy, out.shape()));
        float[] expectedGrad = new float[x.length];
        int row = 0;
        for (int s = 0; s < batch; s++) {
            int length = lengths[s];
            int outLength = same ? (length + stride - 1) / stride : length < pool ? 0 : (length - pool) / stride + 1;
            int padLeft = same ? Math.max((outLength - 1) * stride + pool - length, 0) / 2 : 0;
            assertEquals(outLength, geometry.outputLengths()[s], "output length of a sequence of " + length);
            for (int t = 0; t < outLength; t++, row++) {
                for (int f = 0; f < features; f++) {
                    float pooled = out.data()[row * features + f];
                    int first = -1;
                    for (int step = Math.max(0, t * stride - padLeft); step < Math.min(length, t * stride - padLeft + pool); step++) {
                        int i = (packed.offsets()[s] + step) * features + f;
                        assertTrue(pooled >= x[i], "output " + row + " below its window's step " + step);
                        if (first < 0 && x[i] == pooled) {
                            first = i;
                        }
                    }
                    assertTrue(first >= 0, "output " + row + " is no value of its window");
                    expectedGrad[first] += dy[row * features + f];
                }
            }
        }
        assertEquals(row, out.shape().dim(0));
        assertArrayEquals(expectedGrad, input.grad().data());
    }

    @Property(tries = 30)
    void flattenGradients(@ForAll @IntRange(min = 0, max = 4) int batch, @ForAll @IntRange(min = 0, max = 5) int steps,
                          @ForAll @IntRange(min = 1, max = 4) int features, @ForAll long seed) {
        Random r = new Random(seed);
        PackedSequences packed = PackedSequences.of(fixed(batch, steps));
        assertGradients("flatten", (ops, v) -> ops.flattenSequences(v.get(0), packed.lengths(), packed.offsets(), steps),
                random(r, -1, 1, packed.tokens(), features));
    }

    /** Each input element's index comes out at [s, t * features + f], and each output gradient goes back to it. */
    @Property(tries = 100)
    void flattenMovesEveryIndexWhereKerasPutsIt(@ForAll @IntRange(min = 0, max = 5) int batch,
                                                 @ForAll @IntRange(min = 0, max = 7) int steps,
                                                 @ForAll @IntRange(min = 1, max = 6) int features) {
        PackedSequences packed = PackedSequences.of(fixed(batch, steps));
        float[] indices = new float[packed.tokens() * features];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
        Variable input = Variable.parameter(Tensor.wrap(indices, packed.tokens(), features), "x");
        Tape tape = Tape.recording();
        Variable flat = new Ops(KERNELS, tape).flattenSequences(input, packed.lengths(), packed.offsets(), steps);
        assertEquals(batch, flat.shape().dim(0));
        assertEquals(steps * features, flat.shape().dim(1));
        for (int s = 0; s < batch; s++) {
            for (int t = 0; t < steps; t++) {
                for (int f = 0; f < features; f++) {
                    assertEquals((packed.offsets()[s] + t) * features + f, flat.data()[s * steps * features + t * features + f]);
                }
            }
        }
        float[] dy = new float[flat.value().size()];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = -i;
        }
        tape.backward(flat, Tensor.wrap(dy, flat.shape()));
        float[] expected = new float[indices.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = -i;
        }
        assertArrayEquals(expected, input.grad().data());
    }

    @Test
    void flattenRefusesSequencesOfAnotherLength() {
        PackedSequences packed = PackedSequences.of(3, 2);
        Ops ops = new Ops(KERNELS, Tape.inference());
        Variable values = Variable.constant(Tensor.zeros(5, 2));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ops.flattenSequences(values, packed.lengths(), packed.offsets(), 3));
        assertEquals("flatten: sequence 1 has 2 steps, not 3", error.getMessage());
    }

    /** Ties: [1, 3, 3, 2] pooled by 2 windows (valid, stride 1) give 3, 3, 3, the gradient all at the first 3 for the two tied windows. */
    @Test
    void tiedMaximaSendTheGradientToTheFirst() {
        Variable x = Variable.parameter(Tensor.wrap(new float[] {1, 3, 3, 2}, 4, 1), "x");
        Tape tape = Tape.recording();
        Conv1dGeometry geometry = Conv1dGeometry.of(new int[] {4}, 2, 1, 1, false);
        Ops ops = new Ops(KERNELS, tape);
        Variable out = ops.maxPool1d(x, new int[] {4}, new int[] {0}, geometry);
        assertArrayEquals(new float[] {3, 3, 3}, out.data());
        tape.backward(out, Tensor.wrap(new float[] {1, 10, 100}, 3, 1));
        assertArrayEquals(new float[] {0, 11, 100, 0}, x.grad().data());
    }

    private static int[] fixed(int batch, int steps) {
        int[] lengths = new int[batch];
        java.util.Arrays.fill(lengths, steps);
        return lengths;
    }
}
