package dev.kiln.engine.callback;

import dev.kiln.engine.tensor.Tensor;

import java.util.List;

/** What a callback may see and do of the model being trained. */
public interface TrainingContext {

    /** Asks fit to stop after the current epoch's callbacks (Keras' model.stop_training = True). */
    void requestStop();

    /** Whether a callback asked fit to stop. */
    boolean stopRequested();

    /** Copies of the current weights, in parameter order. */
    List<Tensor> weightsSnapshot();

    /** Sets the weights from a snapshot taken by {@link #weightsSnapshot}. */
    void restoreWeights(List<Tensor> snapshot);

    /** The learning rate the optimizer's next step uses. */
    double learningRate();

    /** Sets the optimizer's learning rate (refused when it follows a schedule). */
    void setLearningRate(double rate);

    /** The running fit's progress (position, callbacks' state), or null outside fit. */
    FitProgress fitProgress();
}
