package dev.kiln.nlp.demo;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress line for a long read (and the adapt fed by it): records so far and their rate. On a
 * terminal it is redrawn in place a few times a second, as the fit progress bar is (dynamic when
 * {@code System.console()} is present); otherwise a line every {@value #QUIET_SECONDS} seconds,
 * so a log stays short. {@link #done} prints the totals: records, megabytes, records/s and MB/s.
 */
final class ReadProgress {
    static final int QUIET_SECONDS = 10;
    private static final long DYNAMIC_NANOS = 250_000_000L;

    private final PrintStream out;
    private final String what;
    private final boolean dynamic;
    private final LongSupplier clock;
    private final long start;
    private long records;
    private long lastShown;
    private boolean drawn;

    ReadProgress(PrintStream out, String what, boolean dynamic, LongSupplier clock) {
        this.out = out;
        this.what = what;
        this.dynamic = dynamic;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastShown = start;
    }

    /** A progress line on standard output's terms: dynamic on a terminal. */
    static ReadProgress of(PrintStream out, String what) {
        return new ReadProgress(out, what, System.console() != null, System::nanoTime);
    }

    /** One more record read. */
    void record() {
        records++;
        if ((records & 255) != 0) {
            return;
        }
        long now = clock.getAsLong();
        if (now - lastShown >= (dynamic ? DYNAMIC_NANOS : QUIET_SECONDS * 1_000_000_000L)) {
            lastShown = now;
            String line = String.format(Locale.ROOT, "%s: %,d records, %,.0f records/s", what, records, records / seconds(now));
            if (dynamic) {
                out.print("\r" + line);
                drawn = true;
            } else {
                out.println(line);
            }
        }
    }

    /** How many records were read. */
    long records() {
        return records;
    }

    /** Ends the line with the totals; {@code bytes} is what was read from disk. Returns the seconds taken. */
    double done(long bytes) {
        double seconds = seconds(clock.getAsLong());
        if (drawn) {
            out.print("\r");
        }
        out.printf(Locale.ROOT, "%s: %,d records, %,.1f MB in %.1f s: %,.0f records/s, %,.1f MB/s%n", what, records, bytes / 1e6,
                seconds, records / seconds, bytes / 1e6 / seconds);
        return seconds;
    }

    private double seconds(long now) {
        return Math.max(1e-9, (now - start) / 1e9);
    }
}
