package io.slabkv.bench.cli;

import io.slabkv.StoreStats;
import java.io.PrintStream;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The figures of a finished {@code slabkv run}. Every operation is a get that hit, a get that
 * missed, or a put: {@code operations() == hits + misses + writes}.
 *
 * @param elapsedNanos   length of the measured phase
 * @param hits           gets that found the key
 * @param misses         gets that did not
 * @param writes         puts
 * @param wrongReads     gets that returned a value which did not start with its key (should be 0)
 * @param readLatency    latency of every get, in nanoseconds
 * @param writeLatency   latency of every put, in nanoseconds
 * @param stats          the store's statistics at the end
 * @param gcCount        garbage collections during the measured phase
 * @param gcMillis       their accumulated time (as the collectors report it)
 * @param stoppedEarly   the run was stopped before its duration (Ctrl-C)
 */
record RunSummary(long elapsedNanos, long hits, long misses, long writes, long wrongReads, Histogram readLatency,
                  Histogram writeLatency, StoreStats stats, long gcCount, long gcMillis, boolean stoppedEarly) {

    long operations() {
        return hits + misses + writes;
    }

    long reads() {
        return hits + misses;
    }

    double seconds() {
        return elapsedNanos / 1e9;
    }

    double opsPerSecond() {
        return operations() / Math.max(seconds(), 1e-9);
    }

    /** hits / (hits + misses); NaN without gets. */
    double hitRatio() {
        return reads() == 0 ? Double.NaN : (double) hits / reads();
    }

    /** Gets and puts together. */
    Histogram allLatency() {
        Histogram all = readLatency.copy();
        all.add(writeLatency);
        return all;
    }

    void print(PrintStream out, RunOptions o) {
        out.printf(Locale.ROOT, "summary: %.1f s measured%s, %d thread%s, %s store%n", seconds(),
                stoppedEarly ? " (stopped early)" : "", o.threads(), o.threads() == 1 ? "" : "s",
                o.confined() ? "confined" : "shared");
        out.printf(Locale.ROOT, "  operations  %s = %s hits + %s misses + %s writes; %s ops/s%n",
                Units.count(operations()), Units.count(hits), Units.count(misses), Units.count(writes),
                Units.count(Math.round(opsPerSecond())));
        out.printf(Locale.ROOT, "  hit ratio   %s (%s gets)%n", Units.ratio(hitRatio()), Units.count(reads()));
        out.printf(Locale.ROOT, "  latency     all   %s%n", percentiles(allLatency()));
        out.printf(Locale.ROOT, "              gets  %s%n", percentiles(readLatency));
        out.printf(Locale.ROOT, "              puts  %s%n", percentiles(writeLatency));
        out.printf(Locale.ROOT, "  %s%n", RunCommand.memory(stats).replaceFirst("^memory ", "memory      "));
        out.printf(Locale.ROOT, "  %s%n", RunCommand.evictions(stats).replaceFirst("^evictions ", "evictions   "));
        out.printf(Locale.ROOT, "  gc          %d collection%s, %d ms during the measured phase%n", gcCount,
                gcCount == 1 ? "" : "s", gcMillis);
        if (wrongReads > 0) {
            out.printf(Locale.ROOT, "  WRONG READS %s gets returned a value that does not start with its key%n",
                    Units.count(wrongReads));
        }
    }

    static String percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "p50 %s  p90 %s  p99 %s  p99.9 %s  p99.99 %s  max %s",
                Units.latency(h.getValueAtPercentile(50)), Units.latency(h.getValueAtPercentile(90)),
                Units.latency(h.getValueAtPercentile(99)), Units.latency(h.getValueAtPercentile(99.9)),
                Units.latency(h.getValueAtPercentile(99.99)), Units.latency(h.getMaxValue()));
    }
}
