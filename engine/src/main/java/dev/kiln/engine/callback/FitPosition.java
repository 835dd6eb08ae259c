package dev.kiln.engine.callback;

/**
 * Where a fit is: the epoch it is in, how many of that epoch's batches are done, and the running
 * sums behind the epoch's loss and accuracy so far. A fit resumed from a position continues with
 * the next batch and ends exactly as the uninterrupted run would have.
 *
 * @param epoch         the 0-based epoch
 * @param batchesDone   batches of that epoch already trained on (0 at an epoch's start)
 * @param lossSum       sum over those batches of batch loss x batch size
 * @param examples      examples in those batches
 * @param correct       of those, how many the accuracy metric counted right
 */
public record FitPosition(int epoch, int batchesDone, double lossSum, long examples, long correct) {

    public FitPosition {
        if (epoch < 0 || batchesDone < 0 || examples < 0 || correct < 0 || correct > examples) {
            throw new IllegalArgumentException("not a fit position: epoch " + epoch + ", batchesDone " + batchesDone
                    + ", examples " + examples + ", correct " + correct);
        }
    }

    /** The start of an epoch. */
    public static FitPosition startOf(int epoch) {
        return new FitPosition(epoch, 0, 0, 0, 0);
    }
}
