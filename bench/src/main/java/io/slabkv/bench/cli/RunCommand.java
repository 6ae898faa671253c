package io.slabkv.bench.cli;

import io.slabkv.MemoryLimitExceededException;
import io.slabkv.SlabKV;
import io.slabkv.StoreStats;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * {@code slabkv run}: builds a store, preloads every key, runs the workload for the set duration
 * with a live line every second, and prints a summary.
 *
 * <p>Threads: the calling thread reports (and, for a shared store, builds and closes it); each
 * worker is a {@link RunWorker}. A confined store is built, used and closed by its one worker;
 * the reporter gets its statistics by asking that worker.
 */
final class RunCommand {

    static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final String LIVE_FORMAT = "%7s %11s %9s %9s %9s %9s  %-21s %11s %10s %4s%n";

    private final RunOptions o;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private volatile boolean stopRequested;
    private volatile Thread reporter;

    /**
     * @param out         live lines and the summary
     * @param err         progress (rewritten in place when {@code interactive})
     * @param interactive whether {@code err} is a terminal
     */
    RunCommand(RunOptions o, PrintStream out, PrintStream err, boolean interactive) {
        this.o = o;
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    /** Ends the measured phase early (Ctrl-C); the summary still prints. */
    void requestStop() {
        stopRequested = true;
        Thread t = reporter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    RunSummary execute() throws CommandException {
        reporter = Thread.currentThread();
        out.printf(Locale.ROOT, "slabkv run: %s keys (long), values %s, %s, %s reads, %d thread%s, %s store, "
                        + "%s pages, limit %s, TTL %s, %s, seed %d%n",
                Units.count(o.keys()), o.valueDescription(), o.distributionDescription(), percent(o.readRatio()),
                o.threads(), o.threads() == 1 ? "" : "s", o.confined() ? "confined" : "shared", o.pageSource(),
                Units.bytes(o.limit()), o.ttlNanos() == 0 ? "off" : Units.duration(o.ttlNanos()),
                Units.duration(o.durationNanos()), o.seed());
        out.flush();

        Zipf zipf = o.distribution() == RunOptions.Distribution.ZIPF ? new Zipf(o.keys(), o.zipfTheta()) : null;
        KeyScrambler scrambler = new KeyScrambler(o.keys(), o.seed());
        RunWorker.Control c = new RunWorker.Control(o.threads());
        if (!o.confined()) {
            c.store = build();
        }
        List<RunWorker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < o.threads(); i++) {
            RunWorker w = new RunWorker(i, o, c, zipf, scrambler);
            workers.add(w);
            Thread t = new Thread(w, "slabkv-run-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        try {
            threads.forEach(Thread::start);
            preloadProgress(c, workers);
            if (c.failure.get() != null) {
                stopAndJoin(c, threads);
                throw failure(c, workers);
            }
            return measure(c, workers, threads);
        } finally {
            c.stop = true;
            c.go.countDown();
            joinAll(threads);
            if (!o.confined() && c.store != null) {
                c.store.close();
            }
        }
    }

    private SlabKV build() throws CommandException {
        try {
            return PageSources.builder(o.pageSource(), false, o.limit(), o.keys()).build();
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), Main.EXIT_USAGE);
        }
    }

    // ---------------------------------------------------------------- preload

    private void preloadProgress(RunWorker.Control c, List<RunWorker> workers) {
        long start = System.nanoTime();
        boolean shown = false;
        while (c.preloadDone.getCount() > 0) {
            parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200), true);
            if (stopRequested) {
                c.stop = true; // workers end their preload early; the measured phase then ends at once
            }
            if (interactive && c.preloadDone.getCount() > 0) {
                long done = workers.stream().mapToLong(RunWorker::preloaded).sum();
                err.printf(Locale.ROOT, "\rpreloading %s / %s keys  %3d%%", Units.count(done), Units.count(o.keys()),
                        (int) (100 * done / o.keys()));
                err.flush();
                shown = true;
            }
        }
        awaitQuietly(c);
        if (shown) {
            err.print("\r" + " ".repeat(60) + "\r");
            err.flush();
        }
        if (c.failure.get() != null) {
            return;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StoreStats s = o.confined() ? c.statsSnapshot : c.store.stats(); // a confined store's worker published it
        long done = workers.stream().mapToLong(RunWorker::preloaded).sum();
        out.printf(Locale.ROOT, "%s %s keys in %.2f s (%s keys/s); %s%n",
                done == o.keys() ? "preloaded" : "preload stopped early after", Units.count(done), seconds,
                Units.count((long) (done / Math.max(seconds, 1e-9))), memory(s));
        out.flush();
    }

    private static void awaitQuietly(RunWorker.Control c) {
        boolean interrupted = false;
        for (;;) {
            try {
                c.preloadDone.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- measured phase

    private RunSummary measure(RunWorker.Control c, List<RunWorker> workers, List<Thread> threads)
            throws CommandException {
        int n = workers.size();
        Histogram[] readRecycle = new Histogram[n];
        Histogram[] writeRecycle = new Histogram[n];
        Histogram interval = newHistogram();
        Histogram totalReads = newHistogram();
        Histogram totalWrites = newHistogram();
        long[] last = new long[3]; // hits, misses, writes at the previous line
        long gcCount0 = gcCount(), gcMillis0 = gcMillis();

        out.printf(Locale.ROOT, LIVE_FORMAT, "time", "ops/s", "hit ratio", "p50", "p99", "p99.9",
                "memory used / limit", "entries", "evictions", "GCs");
        out.flush();
        long start = System.nanoTime();
        long end = start + o.durationNanos();
        c.go.countDown();
        long lastTick = start;
        long nextTick = start + REPORT_INTERVAL_NANOS;
        while (!stopRequested && c.failure.get() == null) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            if (now < nextTick) {
                parkUntil(Math.min(nextTick, end), true);
                continue;
            }
            liveLine(c, workers, readRecycle, writeRecycle, interval, totalReads, totalWrites, last, start, lastTick,
                    now, gcCount0);
            lastTick = now;
            nextTick += REPORT_INTERVAL_NANOS;
        }
        stopAndJoin(c, threads);
        long stopped = System.nanoTime();
        // What ran after the last line: into the totals, and a line of its own when long enough to mean much.
        long tail = stopped - lastTick;
        if (tail >= REPORT_INTERVAL_NANOS / 10 || lastTick == start) {
            liveLine(c, workers, readRecycle, writeRecycle, interval, totalReads, totalWrites, last, start, lastTick,
                    stopped, gcCount0);
        } else {
            collect(workers, readRecycle, writeRecycle, interval, totalReads, totalWrites);
        }

        long hits = 0, misses = 0, writes = 0, wrong = 0;
        for (RunWorker w : workers) {
            hits += w.hits();
            misses += w.misses();
            writes += w.writes();
            wrong += w.wrongReads();
        }
        StoreStats stats = o.confined() ? c.statsSnapshot : c.store.stats();
        RunSummary summary = new RunSummary(stopped - start, hits, misses, writes, wrong, totalReads, totalWrites,
                stats, gcCount() - gcCount0, gcMillis() - gcMillis0, stopRequested);
        summary.print(out, o);
        out.flush();

        Throwable f = c.failure.get();
        if (f != null) {
            throw failure(c, workers);
        }
        return summary;
    }

    private void liveLine(RunWorker.Control c, List<RunWorker> workers, Histogram[] readRecycle,
                          Histogram[] writeRecycle, Histogram interval, Histogram totalReads, Histogram totalWrites,
                          long[] last, long start, long from, long to, long gcCount0) {
        interval.reset();
        for (int i = 0; i < workers.size(); i++) {
            RunWorker w = workers.get(i);
            readRecycle[i] = w.readLatency.getIntervalHistogram(readRecycle[i]);
            writeRecycle[i] = w.writeLatency.getIntervalHistogram(writeRecycle[i]);
            interval.add(readRecycle[i]);
            interval.add(writeRecycle[i]);
            totalReads.add(readRecycle[i]);
            totalWrites.add(writeRecycle[i]);
        }
        long hits = 0, misses = 0, writes = 0;
        for (RunWorker w : workers) {
            hits += w.hits();
            misses += w.misses();
            writes += w.writes();
        }
        long dh = hits - last[0], dm = misses - last[1], dw = writes - last[2];
        last[0] = hits;
        last[1] = misses;
        last[2] = writes;
        double seconds = Math.max(1e-9, (to - from) / 1e9);
        StoreStats s = stats(c);
        String memory = s == null ? "-" : Units.bytes(s.bytesUsed()) + " / " + Units.bytes(s.memoryLimit());
        boolean any = interval.getTotalCount() > 0;
        out.printf(Locale.ROOT, LIVE_FORMAT,
                String.format(Locale.ROOT, "%.1fs", (to - start) / 1e9),
                Units.count(Math.round((dh + dm + dw) / seconds)),
                Units.ratio(dh + dm == 0 ? Double.NaN : (double) dh / (dh + dm)),
                any ? Units.latency(interval.getValueAtPercentile(50)) : "-",
                any ? Units.latency(interval.getValueAtPercentile(99)) : "-",
                any ? Units.latency(interval.getValueAtPercentile(99.9)) : "-",
                memory, s == null ? "-" : Units.count(s.entries()), s == null ? "-" : Units.count(s.evictions()),
                Long.toString(gcCount() - gcCount0));
        out.flush();
    }

    private static void collect(List<RunWorker> workers, Histogram[] readRecycle, Histogram[] writeRecycle,
                                Histogram interval, Histogram totalReads, Histogram totalWrites) {
        for (int i = 0; i < workers.size(); i++) {
            RunWorker w = workers.get(i);
            readRecycle[i] = w.readLatency.getIntervalHistogram(readRecycle[i]);
            writeRecycle[i] = w.writeLatency.getIntervalHistogram(writeRecycle[i]);
            totalReads.add(readRecycle[i]);
            totalWrites.add(writeRecycle[i]);
        }
    }

    static Histogram newHistogram() {
        return new Histogram(1, RunWorker.MAX_LATENCY_NANOS, 3);
    }

    /** The store's statistics now; for a confined store, from its worker (null if it does not answer). */
    private StoreStats stats(RunWorker.Control c) {
        if (!o.confined()) {
            return c.store.stats();
        }
        long wanted = c.statsWanted + 1;
        c.statsWanted = wanted;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (c.statsServed < wanted && System.nanoTime() < deadline && !c.stop) {
            Thread.onSpinWait();
            LockSupport.parkNanos(50_000);
        }
        return c.statsSnapshot;
    }

    // ---------------------------------------------------------------- ends

    private CommandException failure(RunWorker.Control c, List<RunWorker> workers) {
        Throwable f = c.failure.get();
        String phase = c.failurePhase;
        if (f instanceof MemoryLimitExceededException) {
            long preloaded = workers.stream().mapToLong(RunWorker::preloaded).sum();
            String when = "preload".equals(phase)
                    ? "after preloading " + Units.count(preloaded) + " of " + Units.count(o.keys()) + " keys"
                    : "during the run";
            return new CommandException("the store could not make room for a put " + when + " (" + f.getMessage()
                    + "): raise --limit (" + Units.bytes(o.limit()) + "), or lower --keys or --value-size",
                    Main.EXIT_USAGE);
        }
        if (f instanceof IllegalArgumentException || f instanceof IllegalStateException
                || f instanceof CommandException) {
            return new CommandException(f.getMessage(), Main.EXIT_USAGE);
        }
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(f);
    }

    private static void stopAndJoin(RunWorker.Control c, List<Thread> threads) {
        c.stop = true;
        c.go.countDown();
        joinAll(threads);
    }

    private static void joinAll(List<Thread> threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Parks until {@code deadline}, or until a stop is requested when {@code stoppable}. */
    private void parkUntil(long deadline, boolean stoppable) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0 && !(stoppable && stopRequested)) {
            LockSupport.parkNanos(this, left);
        }
    }

    static String percent(double r) {
        double p = r * 100;
        return p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f%%", p) : String.format(Locale.ROOT, "%.1f%%", p);
    }

    static String memory(StoreStats s) {
        if (s == null) {
            return "memory -";
        }
        return "memory used " + Units.bytes(s.bytesUsed()) + " / reserved " + Units.bytes(s.bytesReserved())
                + " / limit " + Units.bytes(s.memoryLimit()) + ", " + Units.count(s.entries()) + " entries, index "
                + Units.bytes(s.indexBytes());
    }

    /** Evictions by cause, and expirations, as the store counts them. */
    static String evictions(StoreStats s) {
        if (s == null) {
            return "evictions -";
        }
        return "evictions " + Units.count(s.evictions()) + " (" + s.evictionPolicy() + "; at the high watermark "
                + Units.count(s.evictionsPressure()) + ", inline at the limit " + Units.count(s.evictionsInline())
                + ", expired " + Units.count(s.evictionsExpired()) + ", page recycling "
                + Units.count(s.evictionsPageRecycle()) + "); expirations " + Units.count(s.expirations());
    }

    static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    static long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionTime());
        }
        return n;
    }
}
