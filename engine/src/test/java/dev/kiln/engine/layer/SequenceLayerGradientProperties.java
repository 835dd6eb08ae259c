package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.GradientCheck;
import dev.kiln.engine.autodiff.PackedSequences;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.random.Rng;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The pooling layers, LayerNormalization (every center/scale option, on vectors and on
 * sequences) and Dense on sequences against finite differences, for their inputs and weights,
 * over uneven lengths that always include 0 and 1.
 */
class SequenceLayerGradientProperties {

    @Property(tries = 10)
    void globalAveragePooling(@ForAll @IntRange(min = 2, max = 5) int batch, @ForAll @IntRange(min = 1, max = 5) int features,
                              @ForAll long seed) {
        Random random = new Random(seed);
        PackedSequences packed = PackedSequences.random(random, batch, 4);
        Variable values = Variable.parameter(GradientCheck.random(random, -1, 1, packed.tokens(), features), "values");
        GlobalPooling1D pooling = GlobalPooling1D.average("pooling");
        pooling.build(features, new Rng(seed));
        GradientCheck.assertParameterGradients("GlobalAveragePooling1D", ops ->
                ((FeatureBatch) pooling.forward(new SequenceBatch(values, packed.lengths(), packed.offsets()), ops)).values(),
                List.of(values));
    }

    @Property(tries = 10)
    void globalMaxPooling(@ForAll @IntRange(min = 2, max = 5) int batch, @ForAll @IntRange(min = 1, max = 5) int features,
                          @ForAll long seed) {
        Random random = new Random(seed);
        PackedSequences packed = PackedSequences.random(random, batch, 4);
        Variable values = Variable.parameter(PackedSequences.distinctValues(random, packed.tokens(), features), "values");
        GlobalPooling1D pooling = GlobalPooling1D.max("pooling");
        pooling.build(features, new Rng(seed));
        GradientCheck.assertParameterGradients("GlobalMaxPooling1D", ops ->
                ((FeatureBatch) pooling.forward(new SequenceBatch(values, packed.lengths(), packed.offsets()), ops)).values(),
                List.of(values));
    }

    @Property(tries = 12)
    void layerNormalizationOnVectors(@ForAll @IntRange(min = 1, max = 4) int batch, @ForAll @IntRange(min = 1, max = 6) int features,
                                     @ForAll boolean center, @ForAll boolean scale, @ForAll long seed) {
        Random random = new Random(seed);
        LayerNormalization layer = built(new LayerNormalization(1e-3, center, scale, "norm"), features, random);
        Variable values = Variable.parameter(PackedSequences.spreadRows(random, batch, features), "values");
        List<Variable> checked = new ArrayList<>(layer.parameters());
        checked.add(values);
        GradientCheck.assertParameterGradients("LayerNormalization", ops ->
                ((FeatureBatch) layer.forward(new FeatureBatch(values), ops)).values(), checked);
    }

    @Property(tries = 8)
    void layerNormalizationPerToken(@ForAll @IntRange(min = 2, max = 4) int batch, @ForAll @IntRange(min = 2, max = 5) int features,
                                    @ForAll long seed) {
        Random random = new Random(seed);
        PackedSequences packed = PackedSequences.random(random, batch, 4);
        LayerNormalization layer = built(new LayerNormalization(0.01, true, true, "norm"), features, random);
        Variable values = Variable.parameter(PackedSequences.spreadRows(random, packed.tokens(), features), "values");
        List<Variable> checked = new ArrayList<>(layer.parameters());
        checked.add(values);
        GradientCheck.assertParameterGradients("LayerNormalization per token", ops ->
                ((SequenceBatch) layer.forward(new SequenceBatch(values, packed.lengths(), packed.offsets()), ops)).values(), checked);
    }

    @Property(tries = 8)
    void densePerStep(@ForAll @IntRange(min = 2, max = 4) int batch, @ForAll @IntRange(min = 1, max = 4) int features,
                      @ForAll @IntRange(min = 1, max = 4) int units, @ForAll long seed) {
        Random random = new Random(seed);
        PackedSequences packed = PackedSequences.random(random, batch, 4);
        Dense dense = new Dense(units, Activation.TANH, "dense");
        dense.build(new ValueSpec(ValueSpec.SEQUENCES, features), ParameterSource.initial(new Rng(seed)));
        Variable values = Variable.parameter(GradientCheck.random(random, -1, 1, packed.tokens(), features), "values");
        List<Variable> checked = new ArrayList<>(dense.parameters());
        checked.add(values);
        GradientCheck.assertParameterGradients("Dense per step", ops ->
                ((SequenceBatch) dense.forward(new SequenceBatch(values, packed.lengths(), packed.offsets()), ops)).values(), checked);
    }

    /** Built with gamma and beta moved away from ones and zeros, so their gradients are checked at a general point. */
    private static LayerNormalization built(LayerNormalization layer, int features, Random random) {
        layer.build(features, new Rng(1));
        for (Variable parameter : layer.parameters()) {
            float[] data = parameter.data();
            for (int i = 0; i < data.length; i++) {
                data[i] += (float) (random.nextDouble() - 0.5);
            }
        }
        return layer;
    }
}
