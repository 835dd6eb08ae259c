package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * The LSTM built step by step from primitive operations, Keras' masked loop: at each step
 * z = x.W + h.U + b for every sequence, and h, c move to the new values only where the sequence
 * is still running. Slow, but every gradient comes from ops that are checked one by one; the
 * fused LSTM must match it.
 */
final class LstmReference {
    private LstmReference() {}

    /** The final h, [batch, units], of an LSTM with the given weights over {@code sequences}. */
    static Variable finalState(Ops ops, SequenceBatch sequences, Variable kernel, Variable recurrentKernel,
                               Variable bias, boolean goBackwards) {
        int batch = sequences.batchSize();
        int units = recurrentKernel.shape().dim(0);
        Variable h = Variable.constant(Tensor.zeros(batch, units));
        Variable c = Variable.constant(Tensor.zeros(batch, units));
        for (int t = 0; t < sequences.maxLength(); t++) {
            int[] rows = new int[batch];
            Tensor running = Tensor.zeros(batch, units);
            for (int s = 0; s < batch; s++) {
                int length = sequences.lengths()[s];
                if (t < length) {
                    rows[s] = sequences.offsets()[s] + (goBackwards ? length - 1 - t : t);
                    Arrays.fill(running.data(), s * units, (s + 1) * units, 1f);
                }
            }
            Variable x = ops.gather(sequences.values(), rows);
            Variable z = ops.add(ops.add(ops.matmul(x, kernel), ops.matmul(h, recurrentKernel)), bias);
            Variable inputGate = ops.sigmoid(ops.slice(z, 0, units));
            Variable forgetGate = ops.sigmoid(ops.slice(z, units, 2 * units));
            Variable candidate = ops.tanh(ops.slice(z, 2 * units, 3 * units));
            Variable outputGate = ops.sigmoid(ops.slice(z, 3 * units, 4 * units));
            Variable newC = ops.add(ops.multiply(forgetGate, c), ops.multiply(inputGate, candidate));
            Variable newH = ops.multiply(outputGate, ops.tanh(newC));
            Variable mask = Variable.constant(running);
            c = ops.add(c, ops.multiply(mask, ops.subtract(newC, c)));
            h = ops.add(h, ops.multiply(mask, ops.subtract(newH, h)));
        }
        return h;
    }
}
