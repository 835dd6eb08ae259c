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
 * The Conv1D layer against finite differences for its input, kernel and bias (bias moved off
 * zero so it matters), "valid" and "same", with a stride or a dilation, over uneven lengths that
 * include 0, 1 and lengths shorter than the kernel.
 */
class Conv1DGradientProperties {

    @Property(tries = 25)
    void inputKernelAndBias(@ForAll @IntRange(min = 2, max = 4) int batch, @ForAll @IntRange(min = 1, max = 3) int channels,
                            @ForAll @IntRange(min = 1, max = 3) int filters, @ForAll @IntRange(min = 1, max = 4) int kernelSize,
                            @ForAll @IntRange(min = 1, max = 3) int step, @ForAll boolean dilate, @ForAll boolean same,
                            @ForAll long seed) {
        Random random = new Random(seed);
        PackedSequences packed = PackedSequences.random(random, batch, 8);
        Conv1D layer = new Conv1D(filters, kernelSize, dilate ? 1 : step, dilate ? step : 1, same, Activation.TANH, "conv1d");
        layer.build(new ValueSpec(ValueSpec.SEQUENCES, channels), ParameterSource.initial(new Rng(seed)));
        float[] bias = layer.parameters().get(1).data();
        for (int i = 0; i < bias.length; i++) {
            bias[i] = (float) (random.nextDouble() - 0.5);
        }
        Variable values = Variable.parameter(GradientCheck.random(random, -1, 1, packed.tokens(), channels), "values");
        List<Variable> checked = new ArrayList<>(layer.parameters());
        checked.add(values);
        GradientCheck.assertParameterGradients("Conv1D", ops ->
                ((SequenceBatch) layer.forward(new SequenceBatch(values, packed.lengths(), packed.offsets()), ops)).values(),
                checked);
    }
}
