package dev.kiln.engine.layer;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;

import java.util.List;

/** A recurrent layer Bidirectional can wrap: LSTM, GRU, SimpleRNN. */
public interface Recurrent extends Layer {

    /** The size of the state. */
    int units();

    /** Whether the output is h after every token (true) or each sequence's final h (false). */
    boolean returnSequences();

    /** Whether each sequence is read from its last real token to its first. */
    boolean goBackwards();

    /**
     * What this layer outputs for {@code input}: with return_sequences, sequences of units per step
     * (the mask and the length kept); otherwise one vector per example.
     */
    default ValueSpec outputFor(ValueSpec input) {
        return returnSequences() ? new ValueSpec(ValueSpec.SEQUENCES, units(), input.masked(), input.steps())
                : new ValueSpec(ValueSpec.FEATURES, units());
    }

    /** A copy of this layer's configuration with another name and direction (Bidirectional's two copies). */
    Recurrent copy(String newName, boolean backwards);

    /** This direction over {@code input}: [batch, units], or [tokens, units] with return_sequences. */
    Variable run(SequenceBatch input, Ops ops);

    /** This layer and {@code backward} over the same sequences, their outputs side by side (forward first). */
    default Variable bothDirections(Recurrent backward, SequenceBatch input, Ops ops) {
        return ops.concat(List.of(run(input, ops), backward.run(input, ops)));
    }

    /**
     * A standalone layer's output as Keras gives it: the final h, or with return_sequences h after
     * every token in reading order, so with go_backwards each sequence comes out reversed within
     * its length (Keras' go_backwards; padding aside, it reverses the padded steps). Bidirectional
     * does not come here: it keeps each h at its token's position, which is what Keras'
     * re-reversal of the backward outputs gives.
     */
    @Override
    default LayerValue forward(LayerValue input, Ops ops) {
        SequenceBatch sequences = Layer.expect(this, input, SequenceBatch.class);
        Variable output = run(sequences, ops);
        if (!returnSequences()) {
            return new FeatureBatch(output);
        }
        if (!goBackwards()) {
            return sequences.withValues(output);
        }
        return sequences.withValues(ops.gather(output, reversedWithinLengths(sequences, output.shape().dim(0))));
    }

    /** Each packed row's mirror within its sequence: row offset + i becomes offset + length - 1 - i. */
    private static int[] reversedWithinLengths(SequenceBatch input, int rows) {
        int[] lengths = input.lengths();
        int[] offsets = input.offsets();
        int[] reversed = new int[rows];
        for (int s = 0; s < lengths.length; s++) {
            for (int i = 0; i < lengths[s]; i++) {
                reversed[offsets[s] + i] = offsets[s] + lengths[s] - 1 - i;
            }
        }
        return reversed;
    }
}
