package dev.kiln.engine.reference;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

/**
 * GlobalAveragePooling1D, GlobalMaxPooling1D, LayerNormalization (every center/scale option) and
 * Dense on sequences, alone and stacked, against {@code reference/pooling_layernorm.json}: Keras
 * 3's formulas on padded float64 tensors with torch's autograd, which
 * {@code engine/src/test/python/pooling_layernorm_reference.py} writes. Each case's layers are built
 * from their Keras configs through the engine's registry with the case's weights; the outputs
 * and the gradients of sum(upstream * output) with respect to the packed inputs and every weight
 * must match. The forward pass is float32: measured on 2026-12-03, the largest difference was
 * 8.9e-7 (a Dense kernel's gradient of scale 2.8) and at most 2.1e-7 of (|reference| + the tensor's
 * largest value); the pools' values are exact or within 2.4e-8.
 */
class PoolingLayerNormReferenceTest {
    /** |Kiln - reference| may be this fraction of the reference value plus the tensor's largest value (10x what was measured). */
    private static final double RELATIVE_TOLERANCE = 2e-6;

    @TestFactory
    Stream<DynamicTest> everyCase() {
        return ReferenceFixtures.cases("/reference/pooling_layernorm.json").stream().map(c -> DynamicTest.dynamicTest(
                (String) c.get("name"), () -> ReferenceFixtures.checkLayerStack(c, RELATIVE_TOLERANCE)));
    }
}
