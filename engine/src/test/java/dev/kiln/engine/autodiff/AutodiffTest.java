package dev.kiln.engine.autodiff;

import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.tensor.Shape;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AutodiffTest {
    private static final Kernels KERNELS = Kernels.preferred(ComputePool.singleThreaded());

    @Test
    void aValueUsedTwiceGetsTheSumOfBothGradients() {
        // y = x * x + x  =>  dy/dx = 2x + 1
        Variable x = Variable.parameter(Tensor.wrap(new float[] {3f, -2f}, 2), "x");
        Tape tape = Tape.recording();
        Ops ops = new Ops(KERNELS, tape);
        Variable y = ops.sum(ops.add(ops.multiply(x, x), x));
        tape.backward(y);
        assertArrayEquals(new float[] {7f, -3f}, x.grad().data());
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Variable x = Variable.parameter(Tensor.wrap(new float[] {1f, 2f}, 2), "x");
        for (int step = 0; step < 2; step++) {
            Tape tape = Tape.recording();
            tape.backward(new Ops(KERNELS, tape).sum(x));
        }
        assertArrayEquals(new float[] {2f, 2f}, x.grad().data());
        x.zeroGrad();
        assertArrayEquals(new float[] {0f, 0f}, x.grad().data());
    }

    @Test
    void inferenceRecordsNothing() {
        Variable w = Variable.parameter(Tensor.wrap(new float[] {1f, 2f, 3f, 4f}, 2, 2), "w");
        Tape tape = Tape.inference();
        Variable y = new Ops(KERNELS, tape).matmul(w, w);
        assertFalse(y.requiresGrad());
        assertNull(Variable.constant(Tensor.scalar(1f)).grad());
        var error = assertThrows(IllegalStateException.class, () -> tape.backward(y, y.value()));
        assertTrue(error.getMessage().contains("inference tape"), error.getMessage());
    }

    @Test
    void lossMatchesTheStableFormulaEvenForHugeLogits() {
        float[] logits = {0f, 2f, -3f, 100f, -100f};
        float[] labels = {1f, 0f, 1f, 1f, 1f};
        Variable x = Variable.parameter(Tensor.wrap(logits.clone(), 5, 1), "logits");
        Tape tape = Tape.recording();
        Variable loss = new Ops(KERNELS, tape).exampleLoss(x, BinaryCrossentropy.fromLogits(), labels, 1, ones(5), 5);
        double expected = 0;
        for (int i = 0; i < logits.length; i++) {
            double z = logits[i];
            expected += Math.max(z, 0) - z * labels[i] + Math.log1p(Math.exp(-Math.abs(z)));
        }
        assertEquals(expected / logits.length, loss.value().item(), 1e-5);
        tape.backward(loss);
        assertEquals((1.0 / (1 + Math.exp(100)) - 1) / 5, x.grad().data()[4], 1e-7);
        assertTrue(Float.isFinite(loss.value().item()));
    }

    private static float[] ones(int n) {
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        return ones;
    }

    /** Documented: a NaN logit is not hidden; the loss is NaN so callers can detect it. */
    @Test
    void nanLogitGivesNanLossAndBadLabelsAreRejected() {
        Ops ops = new Ops(KERNELS, Tape.inference());
        BinaryCrossentropy loss = BinaryCrossentropy.fromLogits();
        Variable nan = Variable.constant(Tensor.wrap(new float[] {Float.NaN, 1f}, 2, 1));
        assertTrue(Float.isNaN(ops.exampleLoss(nan, loss, new float[] {1f, 0f}, 1, ones(2), 2).value().item()));
        Variable ok = Variable.constant(Tensor.wrap(new float[] {0f, 1f}, 2, 1));
        var label = assertThrows(IllegalArgumentException.class,
                () -> ops.exampleLoss(ok, loss, new float[] {1f, Float.NaN}, 1, ones(2), 2));
        assertEquals("example 1 of the batch: binary cross-entropy takes targets in [0, 1], got NaN", label.getMessage());
        var count = assertThrows(IllegalArgumentException.class, () -> ops.exampleLoss(ok, loss, new float[] {1f}, 1, ones(2), 2));
        assertTrue(count.getMessage().contains("2 examples need 2 targets"), count.getMessage());
    }

    @Test
    void shapeMismatchesNameBothShapesAndTheOperation() {
        Ops ops = new Ops(KERNELS, Tape.inference());
        Variable a = Variable.constant(Tensor.zeros(2, 3));
        Variable b = Variable.constant(Tensor.zeros(4, 5));
        var matmul = assertThrows(IllegalArgumentException.class, () -> ops.matmul(a, b));
        assertEquals("matmul: inner dimensions differ, [2, 3] x [4, 5]", matmul.getMessage());
        var add = assertThrows(IllegalArgumentException.class, () -> ops.add(a, b));
        assertTrue(add.getMessage().startsWith("add: shapes [2, 3] and [4, 5] differ"), add.getMessage());
        var concat = assertThrows(IllegalArgumentException.class, () -> ops.concat(List.of(a, b)));
        assertTrue(concat.getMessage().contains("concat: shape [4, 5] does not match [2, 3]"), concat.getMessage());
        var slice = assertThrows(IllegalArgumentException.class, () -> ops.slice(a, 2, 5));
        assertTrue(slice.getMessage().contains("slice [2, 5) is out of range"), slice.getMessage());
        var gather = assertThrows(IllegalArgumentException.class, () -> ops.gather(a, new int[] {0, 2}));
        assertTrue(gather.getMessage().contains("id 2 at position 1 is outside the table's 2 rows"), gather.getMessage());
    }

    @Test
    void negativeAndMismatchedSizesAreRejected() {
        var negative = assertThrows(IllegalArgumentException.class, () -> Shape.of(3, -1));
        assertEquals("shape [3, -1]: dimension 1 is negative (-1)", negative.getMessage());
        var wrongCount = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(new float[5], 2, 3));
        assertEquals("shape [2, 3] needs 6 elements, got 5", wrongCount.getMessage());
        var huge = assertThrows(IllegalArgumentException.class, () -> Shape.of(1 << 20, 1 << 20));
        assertTrue(huge.getMessage().contains("has more than"), huge.getMessage());
    }

    @Test
    void backwardNeedsAScalarOrASeed() {
        Variable x = Variable.parameter(Tensor.zeros(2), "x");
        Tape tape = Tape.recording();
        Variable y = new Ops(KERNELS, tape).tanh(x);
        var error = assertThrows(IllegalArgumentException.class, () -> tape.backward(y));
        assertTrue(error.getMessage().contains("needs a scalar loss, got shape [2]"), error.getMessage());
    }

    @Test
    void emptyMatricesMultiply() {
        Ops ops = new Ops(KERNELS, Tape.inference());
        Variable product = ops.matmul(Variable.constant(Tensor.zeros(3, 0)), Variable.constant(Tensor.zeros(0, 4)));
        assertEquals(Shape.of(3, 4), product.shape());
        assertArrayEquals(new float[12], product.data());
    }
}
