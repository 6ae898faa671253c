package io.slabkv.stress.lin;

import io.slabkv.SlabKV;
import io.slabkv.stress.value.CheckedValue;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs random concurrent histories against real shared stores and checks each one with the
 * {@link LinearizabilityChecker}.
 *
 * <h2>The stores</h2>
 * Tiny on purpose: an index for 4 to 16 expected entries (2 to 4 buckets, 14 to 28 slots), 4 KiB
 * pages, 16 or 64 KiB regions. A few keys therefore share buckets, probes cross bucket boundaries
 * (overflow counts go up and down), every remove leaves a tombstone, the tombstones fill the table
 * within a few dozen operations, and the cleaner (the background monitor, a concurrent
 * {@code maintain()} loop, or the insert that found no EMPTY slot) turns them back into EMPTY slots
 * while inserts run. Value lengths span 40 to 3000 bytes, so entries move between size classes and
 * retired chunks are reused within the same history. The memory limit is far above what a handful
 * of keys need: nothing is evicted, so the store must behave exactly as a map.
 *
 * <h2>One history</h2>
 * <ol>
 *   <li>a sequential prefix by the driver (thread 0): removes of keys leaving the pool, sometimes a
 *       {@code clear()};</li>
 *   <li>2 or 3 worker threads released together by a spin barrier, each running its own random
 *       sequence of put, put with TTL (an hour: never expires), get, containsKey, remove,
 *       putIfAbsent and replace over 1 to 4 keys, with random short pauses between calls; every
 *       written value is a {@link CheckedValue} with a unique (writer, sequence) id; sometimes a
 *       thread calling {@code maintain()} in a loop runs beside them;</li>
 *   <li>a sequential suffix by the driver: a get of every key of the pool.</li>
 * </ol>
 * The suffix's results are the next history's initial state (they are checked as part of this one).
 * A get whose bytes are not a whole value of its key (torn, foreign) is recorded as
 * {@link OpKind#CORRUPT}, which no sequential order accepts, and reported as such.
 */
public final class HistoryRunner {

    /**
     * @param histories       histories to run and check
     * @param maxThreads      worker threads per history: 2 up to this (at least 2)
     * @param maxOpsPerThread calls per worker: 1 up to this
     * @param maxKeys         keys in the pool: 1 up to this
     * @param historiesPerStore a fresh store after this many histories (on average)
     * @param seed            the seed of everything random (thread timing aside)
     * @param failFast        stop at the first history that fails
     */
    public record Settings(long histories, int maxThreads, int maxOpsPerThread, int maxKeys, int historiesPerStore,
                           long seed, boolean failFast) {
        public Settings {
            if (histories < 1 || maxThreads < 2 || maxOpsPerThread < 1 || maxKeys < 1 || historiesPerStore < 1) {
                throw new IllegalArgumentException("histories " + histories + ", maxThreads " + maxThreads
                        + " (>= 2), maxOpsPerThread " + maxOpsPerThread + ", maxKeys " + maxKeys
                        + ", historiesPerStore " + historiesPerStore + ": each must be positive");
            }
        }

        /** The quick mode of the test suite: {@code histories} short histories. */
        public static Settings quick(long histories, long seed) {
            return new Settings(histories, 3, 24, 4, 25, seed, true);
        }
    }

    /** What a run checked and found. */
    public static final class Report {
        public long histories;
        public long calls;
        public long keyHistories;
        public long overlapping;
        public long overlappingSameKey;
        public long corruptReads;
        public long stores;
        public long withMaintainer;
        public long configurations;
        public long nanos;
        public final List<String> failures = new ArrayList<>();

        public boolean ok() {
            return failures.isEmpty();
        }

        @Override
        public String toString() {
            return String.format("%,d histories checked (%,d per-key sub-histories, %,d calls; %,d calls overlapped "
                            + "a call of another thread, %,d of them on the same key), %,d stores, %,d histories "
                            + "with a concurrent maintain() loop, %,d search configurations, %,d corrupt reads, "
                            + "%d failures, %.1f s",
                    histories, keyHistories, calls, overlapping, overlappingSameKey, stores, withMaintainer,
                    configurations, corruptReads, failures.size(), nanos / 1e9);
        }
    }

    private static final int MAX_VALUE = 3000;
    private static final int[] VALUE_LENGTHS = {40, 48, 64, 100, 180, 300, 700, 1500, MAX_VALUE};
    private static final OpKind[] MIX = mix();

    private final Settings settings;
    private final SplittableRandom rnd;
    private final AtomicLong clock = new AtomicLong(1);
    private final long[] sequences;
    private final Report report = new Report();

    // The store under test and its key pool.
    private SlabKV kv;
    private TestKeys.Mode keyMode;
    private int historiesLeftOnStore;
    private long nextKeyId = 1;
    private final List<Long> pool = new ArrayList<>();
    private final Map<Long, Long> state = new HashMap<>();

    public HistoryRunner(Settings settings) {
        this.settings = settings;
        this.rnd = new SplittableRandom(settings.seed());
        this.sequences = new long[settings.maxThreads() + 1];
    }

    private static OpKind[] mix() {
        List<OpKind> m = new ArrayList<>();
        add(m, OpKind.GET, 24);
        add(m, OpKind.CONTAINS, 6);
        add(m, OpKind.PUT, 16);
        add(m, OpKind.PUT_TTL, 6);
        add(m, OpKind.REMOVE, 20);
        add(m, OpKind.PUT_IF_ABSENT, 16);
        add(m, OpKind.REPLACE, 12);
        return m.toArray(OpKind[]::new);
    }

    private static void add(List<OpKind> m, OpKind k, int weight) {
        for (int i = 0; i < weight; i++) {
            m.add(k);
        }
    }

    /** Runs the histories; prints progress and failures to {@code log} (may be null). */
    public Report run(PrintStream log) {
        long start = System.nanoTime();
        long lastPrint = start;
        try {
            for (long h = 0; h < settings.histories(); h++) {
                if (kv == null || historiesLeftOnStore-- <= 0) {
                    openStore();
                }
                String failure = runOne();
                report.histories++;
                if (failure != null) {
                    report.failures.add(failure);
                    if (log != null) {
                        log.println("history " + h + " (seed " + settings.seed() + "): " + failure);
                    }
                    if (settings.failFast() || report.failures.size() >= 10) {
                        break;
                    }
                }
                if (log != null && System.nanoTime() - lastPrint > 10_000_000_000L) {
                    lastPrint = System.nanoTime();
                    log.println("  ... " + report);
                }
            }
        } finally {
            closeStore();
            report.nanos = System.nanoTime() - start;
        }
        return report;
    }

    private void openStore() {
        closeStore();
        long limit = 2L << 20;
        boolean monitor = rnd.nextBoolean();
        keyMode = TestKeys.Mode.values()[rnd.nextInt(3)];
        kv = SlabKV.builder().memoryLimit(limit).maxMemoryLimit(limit).expectedEntries(4 + rnd.nextInt(13))
                .pageSize(4096).regionSize(rnd.nextBoolean() ? 16 << 10 : 64 << 10)
                .growthFactor(rnd.nextBoolean() ? 1.25 : 2.0).backgroundMonitor(monitor).build();
        report.stores++;
        historiesLeftOnStore = 1 + rnd.nextInt(2 * settings.historiesPerStore());
        pool.clear();
        state.clear();
    }

    private void closeStore() {
        if (kv != null) {
            kv.close();
            kv = null;
        }
    }

    /** Runs and checks one history; returns null, or what failed. */
    private String runOne() {
        List<Call> calls = new ArrayList<>();
        Map<Long, Long> initial = new HashMap<>(state);
        StringBuilder corrupt = new StringBuilder();

        // 1. The driver's sequential prefix: keys leave the pool, others join.
        List<Long> leaving = new ArrayList<>();
        if (!pool.isEmpty() && rnd.nextInt(6) == 0) {
            leaving.add(pool.remove(rnd.nextInt(pool.size())));
        }
        if (rnd.nextInt(40) == 0) {
            kv.clear();
            for (Long k : state.keySet()) {
                initial.put(k, OpKind.ABSENT);
            }
        }
        int target = 1 + rnd.nextInt(settings.maxKeys());
        while (pool.size() < target) {
            long k = nextKeyId++;
            pool.add(k);
            initial.put(k, OpKind.ABSENT);
        }
        for (long k : leaving) {
            long inv = clock.getAndIncrement();
            boolean removed = remove(k);
            calls.add(new Call(0, k, OpKind.REMOVE, 0, removed ? 1 : 0, inv, clock.getAndIncrement()));
        }

        // 2. The workers.
        int threads = 2 + rnd.nextInt(settings.maxThreads() - 1);
        int keys = 1 + rnd.nextInt(pool.size());
        long[] used = new long[keys];
        List<Long> shuffled = new ArrayList<>(pool);
        for (int i = 0; i < keys; i++) {
            used[i] = shuffled.remove(rnd.nextInt(shuffled.size()));
        }
        Worker[] workers = new Worker[threads];
        AtomicInteger arrived = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            workers[t] = new Worker(t + 1, plan(used), arrived, threads);
        }
        Maintainer maintainer = rnd.nextInt(3) == 0 ? new Maintainer() : null;
        if (maintainer != null) {
            report.withMaintainer++;
            maintainer.start();
        }
        for (Worker w : workers) {
            w.start();
        }
        String failure = null;
        for (Worker w : workers) {
            join(w);
            calls.addAll(w.calls);
            corrupt.append(w.corrupt);
            if (w.error != null && failure == null) {
                failure = "worker T" + w.id + " threw: " + w.error;
            }
        }
        if (maintainer != null) {
            maintainer.done = true;
            join(maintainer);
            if (maintainer.error != null && failure == null) {
                failure = "maintain() threw: " + maintainer.error;
            }
        }

        // 3. The driver's sequential suffix: a get of every key.
        Worker reader = new Worker(0, null, null, 0);
        List<Long> all = new ArrayList<>(pool);
        all.addAll(leaving);
        for (long k : all) {
            reader.call(k, OpKind.GET, 0);
        }
        calls.addAll(reader.calls);
        corrupt.append(reader.corrupt);
        for (Call c : reader.calls) {
            if (pool.contains(c.key())) {
                state.put(c.key(), c.result());
            } else {
                state.remove(c.key());
            }
        }

        report.calls += calls.size();
        countOverlaps(calls, threads);
        if (!corrupt.isEmpty()) {
            report.corruptReads += corrupt.toString().lines().count();
        }
        LinearizabilityChecker.Verdict v = LinearizabilityChecker.check(calls, initial);
        report.configurations += v.configurations();
        report.keyHistories += calls.stream().map(Call::key).distinct().count();
        if (failure == null && !v.linearizable()) {
            failure = (v.inconclusive() ? "INCONCLUSIVE: " : "") + v.explanation()
                    + describeStore() + (corrupt.isEmpty() ? "" : "\n  corrupt reads:\n" + corrupt);
        } else if (failure == null && !corrupt.isEmpty()) {
            failure = "corrupt reads:\n" + corrupt; // cannot pass the checker; belt and braces
        }
        return failure;
    }

    private String describeStore() {
        return "  store: " + kv + ", keys spelled " + keyMode + ", seed " + settings.seed();
    }

    private Plan plan(long[] keys) {
        int n = 1 + rnd.nextInt(settings.maxOpsPerThread());
        Plan p = new Plan(n);
        for (int i = 0; i < n; i++) {
            p.kind[i] = MIX[rnd.nextInt(MIX.length)];
            p.key[i] = keys[rnd.nextInt(keys.length)];
            p.length[i] = VALUE_LENGTHS[rnd.nextInt(VALUE_LENGTHS.length)];
            p.pause[i] = rnd.nextInt(4) == 0 ? rnd.nextInt(64) : 0;
        }
        return p;
    }

    /** Counts calls that overlap a call of another thread, and those on the same key. */
    private void countOverlaps(List<Call> calls, int threads) {
        record Event(long time, Call call, boolean start) {
        }
        List<Event> events = new ArrayList<>(2 * calls.size());
        for (Call c : calls) {
            events.add(new Event(c.invoked(), c, true));
            events.add(new Event(c.returned(), c, false));
        }
        events.sort((a, b) -> Long.compare(a.time, b.time));
        Call[] active = new Call[threads + 1];
        java.util.Set<Call> any = new java.util.HashSet<>();
        java.util.Set<Call> sameKey = new java.util.HashSet<>();
        for (Event e : events) {
            int t = e.call.thread();
            if (!e.start) {
                active[t] = null;
                continue;
            }
            for (int u = 0; u < active.length; u++) {
                Call a = active[u];
                if (u != t && a != null) {
                    any.add(a);
                    any.add(e.call);
                    if (a.key() == e.call.key()) {
                        sameKey.add(a);
                        sameKey.add(e.call);
                    }
                }
            }
            active[t] = e.call;
        }
        report.overlapping += any.size();
        report.overlappingSameKey += sameKey.size();
    }

    private boolean remove(long k) {
        return TestKeys.segment(keyMode, k) ? kv.remove(TestKeys.segmentOf(TestKeys.bytes(k))) : kv.remove(k);
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + t.getName(), e);
        }
    }

    private static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /** One worker's calls, drawn by the driver before the threads start. */
    private static final class Plan {
        final OpKind[] kind;
        final long[] key;
        final int[] length;
        final int[] pause;

        Plan(int n) {
            kind = new OpKind[n];
            key = new long[n];
            length = new int[n];
            pause = new int[n];
        }
    }

    /** Calls {@code maintain()} in a loop while the workers run: cleaning and reclamation race them. */
    private final class Maintainer extends Thread {
        volatile boolean done;
        volatile String error;

        Maintainer() {
            super("lin-maintainer");
        }

        @Override
        public void run() {
            try {
                while (!done) {
                    kv.maintain();
                    Thread.yield();
                }
            } catch (Throwable e) {
                error = stackTrace(e);
            }
        }
    }

    /** A thread of the history: runs its plan and records every call with its tickets. */
    private final class Worker extends Thread {
        final int id;
        final Plan plan;
        final AtomicInteger arrived;
        final int parties;
        final List<Call> calls = new ArrayList<>();
        final StringBuilder corrupt = new StringBuilder();
        final MemorySegment value = MemorySegment.ofArray(new byte[MAX_VALUE]);
        final MemorySegment dst = MemorySegment.ofArray(new byte[MAX_VALUE + 64]);
        volatile String error;

        Worker(int id, Plan plan, AtomicInteger arrived, int parties) {
            super("lin-T" + id);
            this.id = id;
            this.plan = plan;
            this.arrived = arrived;
            this.parties = parties;
        }

        @Override
        public void run() {
            try {
                // Spin barrier: the threads start their calls together, not a scheduler wake-up apart.
                arrived.incrementAndGet();
                for (int spins = 0; arrived.get() < parties; spins++) {
                    if (spins > 10_000) {
                        Thread.yield();
                    } else {
                        Thread.onSpinWait();
                    }
                }
                for (int i = 0; i < plan.kind.length; i++) {
                    for (int s = plan.pause[i]; s > 0; s--) {
                        Thread.onSpinWait();
                    }
                    long arg = 0;
                    if (plan.kind[i].writes()) {
                        long seq = ++sequences[id];
                        arg = Call.valueId(id, seq);
                        CheckedValue.write(value, plan.key[i], id, seq, 0, plan.length[i]);
                    }
                    call(plan.key[i], plan.kind[i], arg, plan.length[i]);
                }
            } catch (Throwable e) {
                error = stackTrace(e);
            }
        }

        void call(long k, OpKind kind, long arg) {
            call(k, kind, arg, 0);
        }

        void call(long k, OpKind kind, long arg, int length) {
            boolean seg = TestKeys.segment(keyMode, k);
            MemorySegment key = seg ? TestKeys.segmentOf(TestKeys.bytes(k)) : null;
            MemorySegment v = kind.writes() ? value.asSlice(0, length) : null;
            long result;
            long inv = clock.getAndIncrement();
            switch (kind) {
                case PUT -> {
                    if (seg) {
                        kv.put(key, v);
                    } else {
                        kv.put(k, v);
                    }
                    result = 0;
                }
                case PUT_TTL -> {
                    if (seg) {
                        kv.put(key, v, 1, TimeUnit.HOURS);
                    } else {
                        kv.put(k, v, 1, TimeUnit.HOURS);
                    }
                    result = 0;
                }
                case GET -> result = seg ? kv.get(key, dst) : kv.get(k, dst);
                case CONTAINS -> result = (seg ? kv.containsKey(key) : kv.containsKey(k)) ? 1 : 0;
                case REMOVE -> result = (seg ? kv.remove(key) : kv.remove(k)) ? 1 : 0;
                case PUT_IF_ABSENT -> result = (seg ? kv.putIfAbsent(key, v) : kv.putIfAbsent(k, v)) ? 1 : 0;
                case REPLACE -> result = (seg ? kv.replace(key, v) : kv.replace(k, v)) ? 1 : 0;
                default -> throw new AssertionError(kind);
            }
            long ret = clock.getAndIncrement();
            if (kind == OpKind.GET) {
                result = decode(k, (int) result);
            }
            calls.add(new Call(id, k, kind, arg, result, inv, ret));
        }

        /** The value id a get read, ABSENT for a miss, CORRUPT (with a note) for bytes that are no value of k. */
        private long decode(long k, int n) {
            if (n == SlabKV.MISS) {
                return OpKind.ABSENT;
            }
            String wrong = CheckedValue.verify(dst, n, k);
            if (wrong != null) {
                corrupt.append("    T").append(id).append(" get(key ").append(k).append("): ").append(wrong)
                        .append("; bytes ").append(CheckedValue.dump(dst, n)).append('\n');
                return OpKind.CORRUPT;
            }
            return Call.valueId(CheckedValue.writer(dst), CheckedValue.sequence(dst));
        }
    }
}
