package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * An LSTM whose gates use an activation the fused kernel does not have (Keras 2's hard_sigmoid),
 * built step by step from the autodiff's operations, Keras' masked loop: at each step
 * z = x.W + h.U + b for every sequence, gates i, f, o through the gate activation, the candidate
 * through tanh, and h, c move to the new values only where the sequence is still running. Its
 * gradients are those of the operations it is made of. Slower than the fused LSTM (one small
 * matrix product per step and sequence batch), which is why it is used only for such gates.
 */
final class ComposedLstm {
    private ComposedLstm() {}

    /**
     * The LSTM over {@code sequences}: the final h, [batch, units], or with {@code returnSequences}
     * h after every token at that token's row (as the fused LSTM gives it).
     */
    static Variable run(SequenceBatch sequences, Ops ops, Variable kernel, Variable recurrentKernel, Variable bias,
                        Activation gates, boolean goBackwards, boolean returnSequences) {
        int batch = sequences.batchSize();
        int units = recurrentKernel.shape().dim(0);
        int tokens = sequences.values().shape().dim(0);
        Variable h = Variable.constant(Tensor.zeros(batch, units));
        Variable c = Variable.constant(Tensor.zeros(batch, units));
        Variable outputs = Variable.constant(Tensor.zeros(returnSequences ? tokens : batch, units));
        for (int t = 0; t < sequences.maxLength(); t++) {
            int[] rows = new int[batch];
            Tensor running = Tensor.zeros(batch, units);
            Tensor placed = returnSequences ? Tensor.zeros(tokens, batch) : null; // h's rows moved to their tokens' rows
            for (int s = 0; s < batch; s++) {
                int length = sequences.lengths()[s];
                if (t < length) {
                    rows[s] = sequences.offsets()[s] + (goBackwards ? length - 1 - t : t);
                    Arrays.fill(running.data(), s * units, (s + 1) * units, 1f);
                    if (placed != null) {
                        placed.data()[rows[s] * batch + s] = 1f;
                    }
                }
            }
            Variable x = ops.gather(sequences.values(), rows);
            Variable z = ops.add(ops.add(ops.matmul(x, kernel), ops.matmul(h, recurrentKernel)), bias);
            Variable inputGate = gates.apply(ops, ops.slice(z, 0, units));
            Variable forgetGate = gates.apply(ops, ops.slice(z, units, 2 * units));
            Variable candidate = ops.tanh(ops.slice(z, 2 * units, 3 * units));
            Variable outputGate = gates.apply(ops, ops.slice(z, 3 * units, 4 * units));
            Variable newC = ops.add(ops.multiply(forgetGate, c), ops.multiply(inputGate, candidate));
            Variable newH = ops.multiply(outputGate, ops.tanh(newC));
            Variable mask = Variable.constant(running);
            c = ops.add(c, ops.multiply(mask, ops.subtract(newC, c)));
            h = ops.add(h, ops.multiply(mask, ops.subtract(newH, h)));
            if (placed != null) {
                outputs = ops.add(outputs, ops.matmul(Variable.constant(placed), h));
            }
        }
        return returnSequences ? outputs : h;
    }
}
