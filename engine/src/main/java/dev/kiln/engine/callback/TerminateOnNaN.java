package dev.kiln.engine.callback;

import java.io.PrintStream;

/** Keras' TerminateOnNaN: a batch whose running loss is NaN or infinite stops the fit after that batch. */
public final class TerminateOnNaN implements Callback {
    private final PrintStream out;
    private TrainingContext context;

    /** Messages go to {@code out}. */
    public TerminateOnNaN(PrintStream out) {
        this.out = out;
    }

    /** Messages go to standard output. */
    public TerminateOnNaN() {
        this(System.out);
    }

    @Override
    public void setContext(TrainingContext context, FitParameters parameters) {
        this.context = context;
    }

    @Override
    public void onTrainBatchEnd(int batch, Logs logs) {
        Double loss = logs.get("loss");
        if (loss != null && !Double.isFinite(loss)) {
            out.println("Batch " + batch + ": Invalid loss, terminating training");
            context.requestStop();
        }
    }
}
