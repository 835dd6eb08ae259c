package dev.kiln.engine.autodiff;

import dev.kiln.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Records, in order, how to push gradients back through each operation of one forward pass.
 * Operations are recorded as they run, so the record is already a topological order and
 * {@link #backward} just replays it in reverse. An inference tape records nothing.
 */
public final class Tape {
    private final boolean recording;
    private final List<Runnable> steps = new ArrayList<>();
    private boolean used;

    private Tape(boolean recording) {
        this.recording = recording;
    }

    /** A tape for a training step. */
    public static Tape recording() {
        return new Tape(true);
    }

    /** A tape that records nothing: forward passes only (evaluation, prediction). */
    public static Tape inference() {
        return new Tape(false);
    }

    /** Whether operations record their backward rules (false for {@link #inference()}). */
    public boolean isRecording() {
        return recording;
    }

    /** Called by operations: {@code step} adds this operation's input gradients. */
    void record(Runnable step) {
        if (recording) {
            if (used) {
                throw new IllegalStateException("this tape was already used for backward(); start a new Tape per step");
            }
            steps.add(step);
        }
    }

    /** Back-propagates from a scalar loss: its gradient is seeded with 1. */
    public void backward(Variable loss) {
        if (loss.value().size() != 1) {
            throw new IllegalArgumentException("backward(loss) needs a scalar loss, got shape " + loss.shape()
                    + "; pass a seed gradient for a non-scalar output");
        }
        backward(loss, Tensor.wrap(new float[] {1f}, loss.shape()));
    }

    /** Back-propagates from {@code output}, whose gradient is seeded with {@code seed}. */
    public void backward(Variable output, Tensor seed) {
        if (!recording) {
            throw new IllegalStateException("backward() on an inference tape: nothing was recorded");
        }
        if (used) {
            throw new IllegalStateException("backward() was already called on this tape");
        }
        if (!output.requiresGrad()) {
            throw new IllegalArgumentException("the output " + output + " does not depend on any parameter");
        }
        seed.requireShape(output.shape(), "backward seed");
        used = true;
        float[] grad = output.gradData();
        float[] seedData = seed.data();
        for (int i = 0; i < grad.length; i++) {
            grad[i] += seedData[i];
        }
        for (int i = steps.size() - 1; i >= 0; i--) {
            steps.get(i).run();
        }
        steps.clear();
    }
}
