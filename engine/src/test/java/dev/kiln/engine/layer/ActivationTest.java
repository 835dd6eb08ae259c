package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Tape;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.kernel.ScalarMath;
import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Activation values against reference numbers (Python's math module, float64) and Keras' names. */
class ActivationTest {
    private static final Ops OPS = new Ops(Kernels.preferred(ComputePool.singleThreaded()), Tape.inference());

    private static float apply(Activation activation, float x) {
        return activation.apply(OPS, Variable.constant(Tensor.wrap(new float[] {x}, 1, 1))).data()[0];
    }

    @Test
    void erfMatchesReferenceValues() {
        double[][] reference = {{0.5, 0.5204998778130465}, {1, 0.8427007929497149}, {2, 0.9953222650189527},
                {2.5, 0.999593047982555}, {3, 0.9999779095030014}, {4, 0.9999999845827421}, {-0.3, -0.3286267594591274},
                {1e-9, 1.1283791670955127e-09}, {30, 1}};
        for (double[] pair : reference) {
            assertEquals(pair[1], ScalarMath.erf(pair[0]), 2e-15 * Math.abs(pair[1]) + 1e-300, "erf(" + pair[0] + ")");
        }
        assertTrue(Double.isNaN(ScalarMath.erf(Double.NaN)));
    }

    @Test
    void valuesMatchKerasFormulas() {
        assertEquals(0.8413447460685429, apply(Activation.GELU, 1f), 1e-7);
        assertEquals(-0.04550026389635842, apply(Activation.GELU, -2f), 1e-7);
        assertEquals(-1.1113307378125625, apply(Activation.SELU, -1f), 1e-6);
        assertEquals(-0.4, apply(Activation.LEAKY_RELU, -2f), 1e-7, "Keras 3's slope 0.2");
        assertEquals(6, apply(Activation.RELU6, 9f));
        assertEquals(0.5, apply(Activation.HARD_SIGMOID, 0f));
        assertEquals(1.0 / (1 + Math.exp(-1)), apply(Activation.SILU, 1f), 1e-7);
        assertEquals(Math.log1p(Math.exp(50)), apply(Activation.SOFTPLUS, 50f), 1e-5, "no overflow");
        Variable rows = Variable.constant(Tensor.wrap(new float[] {1, 2, 3, 1000, 1000, 1000}, 2, 3));
        float[] softmax = OPS.softmax(rows).data();
        float[] logSoftmax = OPS.logSoftmax(rows).data();
        double total = Math.exp(1) + Math.exp(2) + Math.exp(3);
        for (int j = 0; j < 3; j++) {
            assertEquals(Math.exp(j + 1) / total, softmax[j], 1e-7);
            assertEquals(1.0 / 3, softmax[3 + j], 1e-7, "large equal logits do not overflow");
            assertEquals(Math.log(softmax[j]), logSoftmax[j], 1e-6);
        }
    }

    @Test
    void kerasNamesRoundTrip() {
        for (Activation activation : Activation.values()) {
            assertEquals(activation, Activation.fromKerasName(activation.kerasName()));
        }
        assertEquals(Activation.SILU, Activation.fromKerasName("swish"));
        var unknown = assertThrows(IllegalArgumentException.class, () -> Activation.fromKerasName("sparkle"));
        assertTrue(unknown.getMessage().contains("'sparkle'") && unknown.getMessage().contains("gelu"), unknown.getMessage());
    }
}
