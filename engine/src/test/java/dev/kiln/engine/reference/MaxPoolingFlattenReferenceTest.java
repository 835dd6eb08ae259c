package dev.kiln.engine.reference;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * MaxPooling1D and Flatten, alone and in Conv1D -> MaxPooling1D -> Flatten -> Dense stacks,
 * against {@code reference/maxpool_flatten.json}: Keras 3's semantics computed by torch's
 * max_pool1d (TensorFlow's "same" padding, with -inf) and reshape in float64, which
 * {@code engine/src/test/python/maxpool_flatten_reference.py} writes ("valid" and "same", strides
 * equal to, below and above pool_size, uneven lengths with 0, 1 and shorter than the pool, tied
 * maxima). Each case's layers are built from their Keras configs through the engine's registry
 * with the case's weights; the output lengths, the outputs and the gradients of
 * sum(upstream * output) with respect to the packed inputs and every weight must match. Measured
 * on 2026-12-03: the pools' and Flatten's own outputs and gradients are exact (19 of the 34
 * tensors compared); the largest difference was 4.2e-7 (a Dense kernel's gradient of scale 6) and
 * at most 5.6e-8 of (|reference| + the tensor's largest value), so the tolerance is about 35x that.
 */
class MaxPoolingFlattenReferenceTest {
    /** |Kiln - reference| may be this fraction of the reference value plus the tensor's largest value (float32 sums). */
    private static final double RELATIVE_TOLERANCE = 2e-6;

    @TestFactory
    Stream<DynamicTest> everyCase() {
        return ReferenceFixtures.cases("/reference/maxpool_flatten.json").stream().map(c -> DynamicTest.dynamicTest(
                (String) c.get("name"), () -> ReferenceFixtures.checkLayerStack(c, RELATIVE_TOLERANCE)));
    }
}
