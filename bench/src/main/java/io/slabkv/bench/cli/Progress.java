package io.slabkv.bench.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on stderr for long passes over a file. On a terminal it redraws one line in place
 * about five times a second; otherwise it prints a line at every tenth, and only once the pass has
 * run for two seconds, so short passes print nothing. Callers call {@link #update} every few
 * thousand items: it reads the clock and decides.
 */
final class Progress {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long QUIET_NANOS = 2_000_000_000L;

    private final PrintStream err;
    private final boolean interactive;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int lastTenth;
    private boolean drawn;

    /** {@code total} in the same unit as {@link #update}'s {@code done}; 0 or less when unknown. */
    Progress(PrintStream err, boolean interactive, String label, long total) {
        this.err = err;
        this.interactive = interactive;
        this.label = label;
        this.total = total;
    }

    void update(long done, String detail) {
        long now = System.nanoTime();
        double fraction = total > 0 ? Math.min(1, (double) done / total) : 0;
        if (interactive) {
            if (now - lastDraw >= REDRAW_NANOS) {
                lastDraw = now;
                err.print("\r" + line(fraction, detail, now));
                err.flush();
                drawn = true;
            }
        } else if (now - start >= QUIET_NANOS) {
            int tenth = (int) (fraction * 10);
            if (tenth > lastTenth) {
                lastTenth = tenth;
                err.println(line(fraction, detail, now));
                err.flush();
                drawn = true;
            }
        }
    }

    /** Clears the bar (on a terminal), leaving the line for what comes next. */
    void finish() {
        if (interactive && drawn) {
            err.print("\r" + " ".repeat(WIDTH + label.length() + 70) + "\r");
            err.flush();
        }
    }

    String line(double fraction, String detail, long now) {
        int filled = (int) Math.round(fraction * WIDTH);
        return String.format(Locale.ROOT, "%s [%s%s] %3d%%  %s  %.1f s", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), (int) (fraction * 100), detail, (now - start) / 1e9);
    }
}
