package dev.kiln.engine.callback;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Keras 2's progress bar (verbose=1), for example
 * {@code 391/391 [==============================] - 94s 229ms/step - loss: 0.6162 - accuracy: 0.5985 - val_loss: 0.8097 - val_accuracy: 0.5661}.
 * On a terminal the line is redrawn in place (at most every 50 ms); otherwise only the final line
 * of each epoch is printed. "Epoch 3/10" heads each epoch when there is more than one.
 */
public final class ProgressBar implements Callback {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 50_000_000L;

    private final PrintStream out;
    private final boolean dynamic;
    private final LongSupplier clock;
    private int epochs;
    private long target;
    private long epochStart;
    private long firstStepDone;
    private long lastDraw;
    private int lastLineLength;
    private int seen;

    /** {@code dynamic}: redraw in place (a terminal) or print one line per epoch (a log file). */
    public ProgressBar(PrintStream out, boolean dynamic, LongSupplier nanoClock) {
        this.out = out;
        this.dynamic = dynamic;
        this.clock = nanoClock;
    }

    /** To standard output, redrawing in place when it is a terminal. */
    public static ProgressBar toStandardOutput() {
        return new ProgressBar(System.out, System.console() != null, System::nanoTime);
    }

    @Override
    public void setContext(TrainingContext context, FitParameters parameters) {
        this.epochs = parameters.epochs();
        this.target = parameters.steps();
    }

    @Override
    public void onEpochBegin(int epoch, Logs logs) {
        if (epochs > 1) {
            out.println("Epoch " + (epoch + 1) + "/" + epochs);
        }
        epochStart = clock.getAsLong();
        firstStepDone = 0;
        lastDraw = 0;
        lastLineLength = 0;
        seen = 0;
    }

    @Override
    public void onTrainBatchEnd(int batch, Logs logs) {
        seen = batch + 1;
        long now = clock.getAsLong();
        if (seen == 1) {
            firstStepDone = now;
        }
        if (dynamic && (now - lastDraw >= REDRAW_NANOS)) {
            lastDraw = now;
            draw(inProgressLine(now, logs), false);
        }
    }

    @Override
    public void onEpochEnd(int epoch, Logs logs) {
        if (target < 0) {
            target = seen; // the first epoch tells how many steps there are
        }
        draw(finalLine(clock.getAsLong(), logs), true);
    }

    private void draw(String line, boolean last) {
        StringBuilder text = new StringBuilder();
        if (dynamic) {
            text.append('\r');
        }
        text.append(line);
        if (dynamic && line.length() < lastLineLength) {
            text.append(" ".repeat(lastLineLength - line.length()));
        }
        lastLineLength = line.length();
        if (last) {
            out.println(text);
        } else {
            out.print(text);
            out.flush();
        }
    }

    String inProgressLine(long now, Logs logs) {
        double perStep = seen > 0 ? (now - epochStart) / 1e9 / seen : 0;
        long remaining = target > 0 ? Math.max(0, target - seen) : 0;
        return bar(seen) + " - ETA: " + formatEta(perStep * remaining) + values(logs);
    }

    String finalLine(long now, Logs logs) {
        double elapsed = (now - epochStart) / 1e9;
        // Keras excludes the first step (compilation in TF) from the time per step.
        double perStep = seen > 1 ? (now - firstStepDone) / 1e9 / (seen - 1) : elapsed;
        return bar(seen) + String.format(Locale.ROOT, " - %.0fs %s", elapsed, formatPerStep(perStep)) + values(logs);
    }

    private String bar(int current) {
        long total = target > 0 ? target : current;
        int digits = Long.toString(total).length();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%" + digits + "d/%d [", current, total));
        int done = total > 0 ? (int) (WIDTH * (double) current / total) : 0;
        if (done > 0) {
            line.append("=".repeat(done - 1)).append(current < total ? '>' : '=');
        }
        line.append(".".repeat(WIDTH - done)).append(']');
        return line.toString();
    }

    /** " - name: value" for each log, %.4f or %.4e for tiny values, as Keras prints them. */
    static String values(Logs logs) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Double> entry : logs.asMap().entrySet()) {
            double value = entry.getValue();
            String format = Math.abs(value) > 1e-3 ? "%.4f" : "%.4e";
            text.append(" - ").append(entry.getKey()).append(": ").append(String.format(Locale.ROOT, format, value));
        }
        return text.toString();
    }

    static String formatEta(double seconds) {
        long s = Math.round(seconds);
        if (s > 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
        }
        if (s > 60) {
            return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
        return s + "s";
    }

    static String formatPerStep(double seconds) {
        if (seconds >= 1 || seconds == 0) {
            return String.format(Locale.ROOT, "%.0fs/step", seconds);
        }
        if (seconds >= 1e-3) {
            return String.format(Locale.ROOT, "%.0fms/step", seconds * 1e3);
        }
        return String.format(Locale.ROOT, "%.0fus/step", seconds * 1e6);
    }
}
