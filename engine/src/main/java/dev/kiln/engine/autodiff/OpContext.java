package dev.kiln.engine.autodiff;

import dev.kiln.engine.kernel.Kernels;
import dev.kiln.engine.tensor.Tensor;

/**
 * What every operation needs: the kernels to compute with, the tape to record on, how LSTMs
 * project embeddings, where large working arrays come from, what times the phases of a step, and
 * where its random numbers come from.
 */
record OpContext(Kernels kernels, Tape tape, InputProjection projection, StepBuffers buffers, StepPhases phases, StepNoise noise) {

    /** The output variable of an operation; it takes gradients iff the tape records and an input does. */
    Variable result(Tensor value, String operation, Variable... inputs) {
        boolean needsGrad = false;
        if (tape.isRecording()) {
            for (Variable input : inputs) {
                needsGrad |= input.requiresGrad();
            }
        }
        return Variable.result(value, needsGrad, operation);
    }

    /** Records a backward step for an output that takes gradients. */
    void onBackward(Variable output, Runnable step) {
        if (output.requiresGrad()) {
            tape.record(step);
        }
    }

    static void requireSameShape(String operation, Variable a, Variable b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(operation + ": shapes " + a.shape() + " and " + b.shape()
                    + " differ (" + a.name() + ", " + b.name() + ")");
        }
    }

    static void requireRank(String operation, Variable x, int rank) {
        if (x.shape().rank() != rank) {
            throw new IllegalArgumentException(operation + ": expected a rank-" + rank + " tensor, got shape "
                    + x.shape() + " (" + x.name() + ")");
        }
    }
}
