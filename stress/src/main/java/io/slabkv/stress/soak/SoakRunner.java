package io.slabkv.stress.soak;

import io.slabkv.MemoryLimitExceededException;
import io.slabkv.SlabKV;
import io.slabkv.StoreStats;
import io.slabkv.stress.value.CheckedValue;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak: mixed operations from several threads on one shared store kept under constant memory
 * pressure, every value read checked.
 *
 * <h2>A phase</h2>
 * One store, its background monitor on, filled to its limit first; then a working set several
 * times its memory limit (and more keys than its index holds), so the monitor evicts above its
 * watermark, puts evict inline at the hard limit, and pages move between size classes as the value
 * sizes drift (the band of lengths changes every second). Worker threads run put (with and without
 * a TTL of 1 to 200 ms), get, containsKey, remove, putIfAbsent and replace on random keys: a fifth
 * on the {@value #HOTTEST} hottest keys (values of one narrow size band), three tenths on the
 * hottest 1 %, the rest uniform. Every value is a {@link CheckedValue}: key id, writer, sequence
 * number, length, checksum. What is checked:
 * <ul>
 *   <li>every get that hits: the value is whole (checksum), the length the get returned is the
 *       value's, it is a value of the key asked for (not foreign), its writer exists and its
 *       sequence number was issued;</li>
 *   <li>no stale read: a thread never sees, for one key, a value of a writer older than one of that
 *       writer it saw before (a writer's puts are ordered; once its newer value was read, the older
 *       one was overwritten and can never come back);</li>
 *   <li>no expired read: a value with a TTL is not returned by a get that started more than
 *       {@value #TTL_SLACK_MS} ms after its deadline (the slack covers the time between the writer's
 *       clock read and the store's, a put is microseconds);</li>
 *   <li>a checker thread samples {@code stats().bytesReserved()} every 100 µs or so: never above the
 *       memory limit;</li>
 *   <li>at the end of the phase, {@code forEach} visits every entry left: each is a whole value of
 *       its own key;</li>
 *   <li>after {@code close()}, every byte the store reserved from its page source was released, each
 *       region exactly once.</li>
 * </ul>
 * No operation may throw (a put at the hard limit must evict, not fail).
 *
 * <h2>Resident memory</h2>
 * Then {@code rssCycles} short phases each open a store, fill it past its limit, close it; the
 * process's VmRSS after each close must not grow once the first two cycles have warmed up (the JIT,
 * malloc's arenas). Run it in a JVM whose heap cannot grow ({@code -Xms} = {@code -Xmx},
 * {@code -XX:+AlwaysPreTouch}), or the heap's own growth is measured too.
 */
public final class SoakRunner {

    static final long TTL_SLACK_MS = 2_000;
    static final int MAX_VIOLATIONS_KEPT = 40;
    /** Keys 0..HOTTEST-1 take a fifth of all operations. */
    static final int HOTTEST = 8;

    /**
     * @param duration        the main phase, in milliseconds
     * @param threads         worker threads
     * @param keys            distinct keys
     * @param memoryLimit     the store's hard limit, index included
     * @param expectedEntries what the index is sized for (below {@code keys}: the index fills too)
     * @param pageSize        the page size (also the largest entry)
     * @param regionSize      bytes reserved from the page source at a time
     * @param maxValue        the longest value written
     * @param rssCycles       open/fill/close cycles after the main phase (0: none)
     * @param rssCycleMillis  how long each cycle fills its store
     * @param rssAllowance    VmRSS growth allowed from the warmed-up cycle to the last ones
     * @param seed            the seed of the workers' random choices
     * @param leakStores      never close a store: a deliberate leak, to prove the memory checks fail
     */
    public record Settings(long duration, int threads, int keys, long memoryLimit, long expectedEntries, int pageSize,
                           long regionSize, int maxValue, int rssCycles, long rssCycleMillis, long rssAllowance,
                           long seed, boolean leakStores) {

        public Settings {
            if (threads < 1 || keys < 10 || maxValue < 256 || maxValue + 64 > pageSize) {
                throw new IllegalArgumentException("threads " + threads + " (>= 1), keys " + keys + " (>= 10), max"
                        + " value " + maxValue + " (>= 256, and with a 64-byte key and header within the page size "
                        + pageSize + ")");
            }
        }

        /** The defaults: a 8 MiB store (16 KiB pages) for 20,000 keys of up to 6,000 bytes. */
        public static Settings defaults(long durationMillis, int rssCycles, long seed) {
            return new Settings(durationMillis, 4, 20_000, 8L << 20, 8_192, 16 << 10, 256 << 10, 6_000, rssCycles,
                    1_500, 24L << 20, seed, false);
        }

        Settings withDuration(long millis) {
            return new Settings(millis, threads, keys, memoryLimit, expectedEntries, pageSize, regionSize, maxValue,
                    rssCycles, rssCycleMillis, rssAllowance, seed, leakStores);
        }
    }

    /** What a soak checked and found. */
    public static final class Report {
        public long operations;
        public long gets;
        public long hitsVerified;
        public long bytesVerified;
        public long misses;
        public long puts;
        public long putsWithTtl;
        public long removes;
        public long putIfAbsents;
        public long replaces;
        public long containsKeys;
        public long entriesScanned;
        public long reservedSamples;
        public long maxReserved;
        public long memoryLimit;
        public long regionsReserved;
        public long bytesReservedFromSource;
        public long outstandingAfterClose;
        public long evictions;
        public long pagesRecycled;
        public long expirations;
        public long phases;
        public long nanos;
        public final List<String> rss = new ArrayList<>();
        public long rssGrowth;
        public final AtomicLong violationCount = new AtomicLong();
        public final Queue<String> violations = new ConcurrentLinkedQueue<>();

        public boolean ok() {
            return violationCount.get() == 0;
        }

        void violation(String what) {
            if (violationCount.incrementAndGet() <= MAX_VIOLATIONS_KEPT) {
                violations.add(what);
            }
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%,d operations in %d store phase(s), %.1f s: %,d gets (%,d hits verified, %,d value"
                            + " bytes checked; %,d misses), %,d puts (%,d with TTL), %,d removes, %,d putIfAbsent, %,d "
                            + "replace, %,d containsKey; %,d entries verified by forEach scans%n",
                    operations, phases, nanos / 1e9, gets, hitsVerified, bytesVerified, misses, puts, putsWithTtl,
                    removes, putIfAbsents, replaces, containsKeys, entriesScanned));
            sb.append(String.format("store: %,d evictions, %,d pages recycled, %,d expirations; bytesReserved sampled "
                            + "%,d times, max %,d of limit %,d; page source: %,d regions, %,d bytes reserved, %,d "
                            + "bytes not released after close%n",
                    evictions, pagesRecycled, expirations, reservedSamples, maxReserved, memoryLimit,
                    regionsReserved, bytesReservedFromSource, outstandingAfterClose));
            for (String line : rss) {
                sb.append(line).append('\n');
            }
            sb.append(violationCount.get()).append(" violations");
            for (String v : violations) {
                sb.append("\n  ").append(v);
            }
            return sb.toString();
        }
    }

    private final Settings settings;
    private final SoakKeys keys;
    private final Report report = new Report();
    private final AtomicLong refusalsDescribed = new AtomicLong();

    public SoakRunner(Settings settings) {
        this.settings = settings;
        this.keys = new SoakKeys(settings.keys());
    }

    /** Runs the main phase and the resident-memory cycles; prints progress to {@code log}. */
    public Report run(PrintStream log) {
        long start = System.nanoTime();
        report.memoryLimit = settings.memoryLimit();
        phase(settings, log, true);
        if (settings.rssCycles() > 0 && ResidentMemory.available()) {
            residentMemoryCycles(log);
        }
        report.nanos = System.nanoTime() - start;
        return report;
    }

    private void residentMemoryCycles(PrintStream log) {
        Settings cycle = settings.withDuration(settings.rssCycleMillis());
        long[] rss = new long[settings.rssCycles()];
        for (int i = 0; i < rss.length; i++) {
            phase(cycle, null, false);
            System.gc();
            LockSupport.parkNanos(200_000_000L);
            rss[i] = ResidentMemory.bytes();
            String line = String.format("  rss after cycle %d (open, fill %d ms, close): %,d KiB", i + 1,
                    settings.rssCycleMillis(), rss[i] >> 10);
            report.rss.add(line);
            if (log != null) {
                log.println(line);
            }
        }
        int warm = Math.min(1, rss.length - 1); // cycles 1 and 2 warm up; later ones are compared to cycle 2
        long max = 0;
        for (int i = warm + 1; i < rss.length; i++) {
            max = Math.max(max, rss[i]);
        }
        report.rssGrowth = rss.length > warm + 1 ? max - rss[warm] : 0;
        String verdict = String.format("  rss growth after warm-up (cycle %d): %,d KiB (allowed %,d KiB; one store's"
                        + " limit is %,d KiB)", warm + 1, report.rssGrowth >> 10, settings.rssAllowance() >> 10,
                settings.memoryLimit() >> 10);
        report.rss.add(verdict);
        if (log != null) {
            log.println(verdict);
        }
        if (report.rssGrowth > settings.rssAllowance()) {
            report.violation("resident memory grew by " + (report.rssGrowth >> 10) + " KiB across "
                    + (rss.length - warm - 1) + " open/fill/close cycles after warm-up (allowed "
                    + (settings.rssAllowance() >> 10) + " KiB)");
        }
    }

    /** One store: open, run the workers and the checker for the phase's duration, verify, close. */
    private void phase(Settings s, PrintStream log, boolean scan) {
        CountingPageSource source = new CountingPageSource();
        SlabKV kv = SlabKV.builder().memoryLimit(s.memoryLimit()).maxMemoryLimit(s.memoryLimit())
                .expectedEntries(s.expectedEntries()).pageSize(s.pageSize()).regionSize(s.regionSize())
                .pageSource(source).backgroundMonitor(true).build();
        report.phases++;
        fill(kv, s);
        AtomicLongArray issued = new AtomicLongArray(s.threads() + 1);
        Worker[] workers = new Worker[s.threads()];
        long phaseStart = System.nanoTime();
        for (int t = 0; t < workers.length; t++) {
            workers[t] = new Worker(kv, t + 1, issued, new SplittableRandom(s.seed() * 31 + t + report.phases * 1009),
                    phaseStart);
        }
        ReservedChecker checker = new ReservedChecker(kv, s.memoryLimit());
        checker.start();
        for (Worker w : workers) {
            w.start();
        }
        long end = phaseStart + TimeUnit.MILLISECONDS.toNanos(s.duration());
        long nextPrint = phaseStart + 5_000_000_000L;
        while (System.nanoTime() < end) {
            LockSupport.parkNanos(Math.min(100_000_000L, Math.max(1, end - System.nanoTime())));
            if (log != null && System.nanoTime() > nextPrint) {
                nextPrint += 5_000_000_000L;
                long ops = 0;
                for (Worker w : workers) {
                    ops += w.ops;
                }
                log.printf("  ... %,d ops, %d violations; %s%n", ops, report.violationCount.get(), kv.stats());
            }
        }
        for (Worker w : workers) {
            w.stop = true;
        }
        for (Worker w : workers) {
            join(w);
            w.addTo(report);
        }
        checker.stop = true;
        join(checker);
        report.reservedSamples += checker.samples;
        report.maxReserved = Math.max(report.maxReserved, checker.max);

        StoreStats stats = kv.stats();
        report.evictions += stats.evictions();
        report.pagesRecycled += stats.pagesRecycled();
        report.expirations += stats.expirations();
        if (stats.bytesReserved() > s.memoryLimit() || stats.peakReservedBytes() > s.memoryLimit()) {
            report.violation("bytesReserved " + stats.bytesReserved() + " (peak " + stats.peakReservedBytes()
                    + ") above the limit " + s.memoryLimit());
        }
        if (scan) {
            scanAll(kv);
        }
        if (log != null) {
            log.println("  store at the end of the phase: " + stats);
        }
        if (!s.leakStores()) {
            kv.close();
        }
        report.regionsReserved += source.regions();
        report.bytesReservedFromSource += source.reserved();
        report.outstandingAfterClose += source.outstanding();
        if (source.outstanding() != 0) {
            report.violation("after close(), " + source.outstanding() + " of " + source.reserved()
                    + " bytes reserved from the page source were not released");
        }
        if (source.doubleReleases() != 0) {
            report.violation(source.doubleReleases() + " regions released twice");
        }
    }

    /**
     * Puts large values under fresh keys until the store has reserved its whole limit (or every key
     * is written): the phase starts under pressure, and every page the store can have is touched.
     * Writer 0, sequence = key + 1 (its own id space: readers accept writer 0 up to {@code keys}).
     */
    private void fill(SlabKV kv, Settings s) {
        MemorySegment value = MemorySegment.ofArray(new byte[s.maxValue()]);
        SplittableRandom rnd = new SplittableRandom(s.seed());
        long full = s.memoryLimit() - 2 * s.regionSize();
        for (int k = 0; k < s.keys(); k++) {
            if ((k & 255) == 0 && kv.stats().bytesReserved() >= full) {
                break;
            }
            int len = s.maxValue() / 4 + rnd.nextInt(s.maxValue() - s.maxValue() / 4 + 1);
            CheckedValue.write(value, k, 0, k + 1, 0, len);
            MemorySegment seg = keys.segment(k);
            if (seg != null) {
                kv.put(seg, value.asSlice(0, len));
            } else {
                kv.put(k, value.asSlice(0, len));
            }
            report.puts++;
            report.operations++;
        }
    }

    /** Visits every entry left and checks it is a whole value of its own key. */
    private void scanAll(SlabKV kv) {
        long[] scanned = new long[1];
        kv.forEach((key, value) -> {
            scanned[0]++;
            long id = keys.idOf(key);
            if (id < 0) {
                report.violation("forEach: a key that was never written, " + key.byteSize() + " bytes");
                return;
            }
            String wrong = CheckedValue.verify(value, (int) value.byteSize(), id);
            if (wrong != null) {
                report.violation("forEach: key " + id + ": " + wrong);
            }
        });
        report.entriesScanned += scanned[0];
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The exception and the frames of slabkv's own code (the JDK's bounds-check frames left out). */
    static String stackTrace(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t != e) {
                sb.append("\n    caused by ").append(t);
            }
            int shown = 0;
            for (StackTraceElement f : t.getStackTrace()) {
                if (f.getClassName().startsWith("io.slabkv") && shown++ < 12) {
                    sb.append("\n      at ").append(f);
                }
            }
        }
        return sb.toString();
    }

    /** Samples the reserved bytes while the workers run. */
    private final class ReservedChecker extends Thread {
        private final SlabKV kv;
        private final long limit;
        volatile boolean stop;
        long samples;
        long max;

        ReservedChecker(SlabKV kv, long limit) {
            super("soak-reserved-checker");
            this.kv = kv;
            this.limit = limit;
        }

        @Override
        public void run() {
            try {
                while (!stop) {
                    long r = kv.stats().bytesReserved();
                    samples++;
                    max = Math.max(max, r);
                    if (r > limit) {
                        report.violation("bytesReserved " + r + " above the memory limit " + limit);
                    }
                    LockSupport.parkNanos(100_000);
                }
            } catch (Throwable e) {
                report.violation("stats() threw: " + stackTrace(e));
            }
        }
    }

    /** A worker: random operations, every read checked. */
    private final class Worker extends Thread {
        private final SlabKV kv;
        private final int id;
        private final AtomicLongArray issued;
        private final SplittableRandom rnd;
        private final long phaseStart;
        private final MemorySegment value = MemorySegment.ofArray(new byte[settings.maxValue()]);
        private final MemorySegment dst = MemorySegment.ofArray(new byte[settings.maxValue() + 64]);
        /** The newest sequence seen per (key, writer), for the stale-read check. */
        private final long[] seen;
        private final int writers;
        private long sequence;
        volatile boolean stop;
        long ops;
        long gets, hits, bytes, misses, puts, ttlPuts, removes, ifAbsent, replaces, contains;

        Worker(SlabKV kv, int id, AtomicLongArray issued, SplittableRandom rnd, long phaseStart) {
            super("soak-worker-" + id);
            this.kv = kv;
            this.id = id;
            this.issued = issued;
            this.rnd = rnd;
            this.phaseStart = phaseStart;
            this.writers = issued.length();
            this.seen = new long[settings.keys() * writers];
        }

        @Override
        public void run() {
            int hot = Math.max(HOTTEST, settings.keys() / 100);
            while (!stop) {
                int pick = rnd.nextInt(10);
                int k = pick < 2 ? rnd.nextInt(HOTTEST) : pick < 5 ? rnd.nextInt(hot) : rnd.nextInt(settings.keys());
                int op = rnd.nextInt(100);
                try {
                    if (op < 40) {
                        get(k);
                    } else if (op < 62) {
                        write(k, 0);
                    } else if (op < 70) {
                        write(k, 1);
                    } else if (op < 78) {
                        removes++;
                        remove(k);
                    } else if (op < 86) {
                        write(k, 2);
                    } else if (op < 94) {
                        write(k, 3);
                    } else {
                        contains++;
                        MemorySegment seg = keys.segment(k);
                        if (seg != null) {
                            kv.containsKey(seg);
                        } else {
                            kv.containsKey(k);
                        }
                    }
                } catch (Throwable e) {
                    String state = "";
                    if (e instanceof MemoryLimitExceededException && refusalsDescribed.getAndIncrement() == 0) {
                        state = "\n    the allocator when the first put was refused:\n" + kv.stats().allocator();
                    }
                    report.violation("T" + id + " op " + op + " on key " + k + " threw: " + stackTrace(e) + state);
                    if (e instanceof Error && !(e instanceof AssertionError)) {
                        return;
                    }
                }
                ops++;
            }
        }

        private void remove(int k) {
            MemorySegment seg = keys.segment(k);
            if (seg != null) {
                kv.remove(seg);
            } else {
                kv.remove(k);
            }
        }

        /**
         * The band of value lengths drifts every second, so pages move between size classes. The
         * hottest keys keep one narrow band: their chunks are retired and taken again at once by the
         * next write of that class, the reuse a reader must be protected from.
         */
        private int length(int k) {
            if (k < HOTTEST) {
                return 900 + rnd.nextInt(40);
            }
            int band = (int) (((System.nanoTime() - phaseStart) / 1_000_000_000L) & 3);
            int max = settings.maxValue();
            return switch (band) {
                case 0 -> CheckedValue.MIN_LENGTH + rnd.nextInt(216);
                case 1 -> 256 + rnd.nextInt(1_792);
                case 2 -> 2_048 + rnd.nextInt(max - 2_048 + 1);
                default -> CheckedValue.MIN_LENGTH + rnd.nextInt(max - CheckedValue.MIN_LENGTH + 1);
            };
        }

        /** mode 0 put, 1 put with TTL, 2 putIfAbsent, 3 replace. */
        private void write(int k, int mode) {
            long seq = ++sequence;
            issued.set(id, seq); // before the value can be seen: a reader checks seq <= issued
            int len = length(k);
            long ttlNanos = mode == 1 ? TimeUnit.MILLISECONDS.toNanos(1 + rnd.nextInt(200)) : 0;
            long deadline = ttlNanos == 0 ? 0 : System.nanoTime() + ttlNanos;
            CheckedValue.write(value, k, id, seq, deadline, len);
            MemorySegment v = value.asSlice(0, len);
            MemorySegment seg = keys.segment(k);
            switch (mode) {
                case 0 -> {
                    puts++;
                    if (seg != null) {
                        kv.put(seg, v);
                    } else {
                        kv.put(k, v);
                    }
                }
                case 1 -> {
                    ttlPuts++;
                    if (seg != null) {
                        kv.put(seg, v, ttlNanos, TimeUnit.NANOSECONDS);
                    } else {
                        kv.put(k, v, ttlNanos, TimeUnit.NANOSECONDS);
                    }
                }
                case 2 -> {
                    ifAbsent++;
                    if (seg != null) {
                        kv.putIfAbsent(seg, v);
                    } else {
                        kv.putIfAbsent(k, v);
                    }
                }
                default -> {
                    replaces++;
                    if (seg != null) {
                        kv.replace(seg, v);
                    } else {
                        kv.replace(k, v);
                    }
                }
            }
        }

        private void get(int k) {
            gets++;
            MemorySegment seg = keys.segment(k);
            long started = System.nanoTime();
            int n = seg != null ? kv.get(seg, dst) : kv.get(k, dst);
            if (n == SlabKV.MISS) {
                misses++;
                return;
            }
            String wrong = CheckedValue.verify(dst, n, k);
            if (wrong != null) {
                report.violation("T" + id + " get(key " + k + "): " + wrong + "; bytes " + CheckedValue.dump(dst, n));
                return;
            }
            int w = CheckedValue.writer(dst);
            long seq = CheckedValue.sequence(dst);
            boolean filled = w == 0 && seq == k + 1; // the fill's value of this key
            if (!filled && (w < 1 || w >= writers || seq < 1 || seq > issued.get(w))) {
                report.violation("T" + id + " get(key " + k + "): writer " + w + " seq " + seq
                        + " was never issued (last issued " + (w >= 1 && w < writers ? issued.get(w) : -1) + ")");
                return;
            }
            int at = k * writers + w;
            if (seq < seen[at]) {
                report.violation("T" + id + " get(key " + k + "): STALE value w" + w + "#" + seq + " after this thread"
                        + " already read w" + w + "#" + seen[at] + " of the same key (a writer's later put overwrote it)");
            } else {
                seen[at] = seq;
            }
            long deadline = CheckedValue.deadline(dst);
            if (deadline != 0 && started - deadline > TimeUnit.MILLISECONDS.toNanos(TTL_SLACK_MS)) {
                report.violation("T" + id + " get(key " + k + "): EXPIRED value w" + w + "#" + seq + " returned "
                        + (started - deadline) / 1_000_000 + " ms after its deadline");
            }
            hits++;
            bytes += n;
        }

        void addTo(Report r) {
            r.operations += ops;
            r.gets += gets;
            r.hitsVerified += hits;
            r.bytesVerified += bytes;
            r.misses += misses;
            r.puts += puts;
            r.putsWithTtl += ttlPuts;
            r.removes += removes;
            r.putIfAbsents += ifAbsent;
            r.replaces += replaces;
            r.containsKeys += contains;
        }
    }
}
