package dev.kiln.engine.autodiff;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static dev.kiln.engine.autodiff.GradientCheck.assertGradients;
import static dev.kiln.engine.autodiff.GradientCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The conv1d op against finite differences, for its input and kernel, on packed batches with
 * uneven lengths (0 and 1 always among them, others often shorter than the kernel's span),
 * "valid" and "same", strides and dilations; and its geometry against Keras' formulas.
 */
class Conv1dGradientProperties {

    @Property(tries = 40)
    void inputAndKernelGradients(@ForAll @IntRange(min = 2, max = 4) int batch, @ForAll @IntRange(min = 1, max = 3) int channels,
                                 @ForAll @IntRange(min = 1, max = 3) int filters, @ForAll @IntRange(min = 1, max = 4) int kernelSize,
                                 @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 1, max = 3) int dilation,
                                 @ForAll boolean same, @ForAll long seed) {
        Random r = new Random(seed);
        PackedSequences packed = PackedSequences.random(r, batch, 8);
        Conv1dGeometry geometry = Conv1dGeometry.of(packed.lengths(), kernelSize, stride, dilation, same);
        assertGradients("conv1d " + (same ? "same" : "valid") + " k" + kernelSize + " s" + stride + " d" + dilation,
                (ops, v) -> ops.conv1d(v.get(0), packed.lengths(), packed.offsets(), v.get(1), geometry),
                random(r, -1, 1, packed.tokens(), channels), random(r, -1, 1, kernelSize, channels, filters));
    }

    @Property(tries = 200)
    void outputLengthsAreKerasFormulas(@ForAll @IntRange(min = 0, max = 30) int length, @ForAll @IntRange(min = 1, max = 6) int kernelSize,
                                       @ForAll @IntRange(min = 1, max = 4) int stride, @ForAll @IntRange(min = 1, max = 4) int dilation) {
        int span = (kernelSize - 1) * dilation + 1;
        Conv1dGeometry valid = Conv1dGeometry.of(new int[] {length, 3}, kernelSize, stride, dilation, false);
        int expectedValid = Math.max(0, Math.floorDiv(length - span, stride) + 1);
        assertEquals(expectedValid, valid.outputLengths()[0]);
        assertArrayEquals(new int[] {0, expectedValid}, valid.outputOffsets());
        Conv1dGeometry same = Conv1dGeometry.of(new int[] {length}, kernelSize, stride, dilation, true);
        int out = (length + stride - 1) / stride;
        assertEquals(out, same.outputLengths()[0]);
        assertEquals(Math.max((out - 1) * stride + span - length, 0) / 2, same.padLeft(0));
    }
}
