package io.slabkv.engine.store;

import io.slabkv.arena.SlabAllocator;
import io.slabkv.engine.index.OffHeapIndex;
import io.slabkv.engine.index.TombstoneCleaner;
import io.slabkv.engine.monitor.EvictionRoundEvent;
import io.slabkv.engine.monitor.PressureEvent;
import java.util.concurrent.ThreadFactory;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;

/**
 * The sampling monitor: an Agrona {@link Agent} that keeps the store inside its memory limit.
 * Each {@link #doWork()} duty cycle:
 * <ol>
 *   <li>samples pressure (bytes in entry chunks plus the index, over the limit) and, above the high
 *       watermark, evicts by sampling until the low watermark (at most a bounded amount per cycle, so
 *       a cycle stays short);</li>
 *   <li>sweeps a stripe of buckets for expired entries (only on stores that ever had a TTL), so
 *       expired entries give their memory back without a full scan per cycle;</li>
 *   <li>cleans tombstones once they fill an eighth of the index;</li>
 *   <li>frees retired memory whose grace period is over.</li>
 * </ol>
 * At the hard limit a put does not wait for the monitor: it evicts inline (see {@code Store}).
 *
 * <p>By default a shared store runs this agent on its own daemon {@link AgentRunner}, backing off to
 * 1 ms parks when idle. A latency-sensitive user builds the store with the background monitor off and
 * runs {@code store.monitor()} on a duty-cycle thread of their own, or calls {@code maintain()}.
 * {@code doWork} is synchronized: the monitor's evictor is single-threaded, and
 * {@code setMemoryLimit} uses it too.
 */
final class Monitor implements Agent {

    static final int EVICTIONS_PER_CYCLE = 4096;
    static final int SWEEP_BUCKETS = 256;
    static final long CLEAN_INTERVAL_NANOS = 10_000_000L;

    private final Store store;
    private final Evictor evictor;
    private final TombstoneCleaner cleaner;
    private final SlabAllocator allocator;
    private final OffHeapIndex index;
    private final double high;
    private final double low;
    /** The index's mark (SlabKV.Builder#maxIndexLoad): above it, evict to {@link #INDEX_STEP} below. */
    private final double maxIndexLoad;
    static final double INDEX_STEP = 0.05;
    private long sweepCursor;
    private long lastClean;
    private volatile long checks;
    private volatile double peakPressure;
    private boolean above;
    private AgentRunner runner;

    Monitor(Store store, Evictor evictor, TombstoneCleaner cleaner, double high, double low,
            double maxIndexLoad) {
        this.store = store;
        this.evictor = evictor;
        this.cleaner = cleaner;
        this.allocator = store.allocator();
        this.index = store.index();
        this.high = high;
        this.low = low;
        this.maxIndexLoad = maxIndexLoad;
    }

    void startDaemon() {
        runner = new AgentRunner(new BackoffIdleStrategy(1, 1, 1_000, 1_000_000),
                e -> System.getLogger("io.slabkv").log(System.Logger.Level.ERROR, "slabkv monitor failed", e),
                null, this);
        ThreadFactory daemons = r -> {
            Thread t = new Thread(r, "slabkv-monitor");
            t.setDaemon(true);
            return t;
        };
        AgentRunner.startOnThread(runner, daemons);
    }

    void stop() {
        if (runner != null) {
            runner.close();
        }
    }

    @Override
    public String roleName() {
        return "slabkv-monitor";
    }

    /** One duty cycle, as the agent runner calls it: cleaning at most once per interval. */
    @Override
    public int doWork() {
        return cycle(true);
    }

    /** One duty cycle on the caller's thread ({@code maintain()}): deterministic, never throttled. */
    int runOnce() {
        return cycle(false);
    }

    private synchronized int cycle(boolean throttled) {
        if (store.isClosed() || allocator.isClosed()) {
            return 0;
        }
        try {
            return work(throttled);
        } catch (IllegalStateException e) {
            if (store.isClosed()) {
                // close() raced this cycle: its critical sections refuse a closed store
                // (Store.enterOpen), and close() is stopping this agent. Nothing is wrong.
                return 0;
            }
            throw e;
        }
    }

    private int work(boolean throttled) {
        checks++;
        store.climbWindow();
        int work = 0;
        double pressure = store.pressure();
        if (pressure > peakPressure) {
            peakPressure = pressure;
        }
        if (pressure > high) {
            work += evictToLowWatermark(pressure);
        }
        double slots = store.indexPressure();
        if (slots > maxIndexLoad) {
            // The index's own mark, not the memory watermarks: SlabKV.Builder#maxIndexLoad says why.
            work += evictEntries((long) ((slots - (maxIndexLoad - INDEX_STEP)) * index.capacity()));
        }
        boolean nowAbove = store.pressure() > high;
        if (nowAbove != above) {
            above = nowAbove;
            PressureEvent.emit(pressure, high, low, nowAbove);
        }
        long buckets = index.buckets();
        long n = Math.min(SWEEP_BUCKETS, buckets);
        work += store.sweepExpired(sweepCursor, n);
        sweepCursor = (sweepCursor + n) % buckets;
        long now = System.nanoTime();
        if (index.tombstones() > index.capacity() / 8 && (!throttled || now - lastClean > CLEAN_INTERVAL_NANOS)) {
            // A cleaning step walks the whole index: at most one per interval, however busy.
            lastClean = now;
            work += (int) Math.min(Integer.MAX_VALUE, cleaner.tryStep());
        }
        // Housekeeping, not work: a monitor that counted it would never idle under steady writes
        // (retired chunks keep coming) and would burn a core its idle strategy should give back.
        allocator.reclaim();
        return work;
    }

    private int evictToLowWatermark(double pressure) {
        store.scaleToEntries();
        long target = (long) ((pressure - low) * store.memoryLimit());
        long freed = 0;
        int evicted = 0;
        while (freed < target && evicted < EVICTIONS_PER_CYCLE) {
            long f = evictor.evict(32, -1, EvictionCause.PRESSURE);
            if (f == 0) {
                break;
            }
            freed += f;
            evicted += 32;
        }
        EvictionRoundEvent.emit("pressure", freed, pressure, store.pressure());
        return evicted;
    }

    private int evictEntries(long count) {
        int evicted = 0;
        while (evicted < count && evicted < EVICTIONS_PER_CYCLE) {
            // At most what is still wanted: batches of 32 emptied a small index (a 14-slot table at
            // 13 entries lost all 13 to one maintain(), where one eviction reached the low watermark).
            int batch = (int) Math.min(32, count - evicted);
            if (evictor.evict(batch, -1, EvictionCause.PRESSURE) == 0) {
                break;
            }
            evicted += batch;
        }
        EvictionRoundEvent.emit("index", 0, store.indexPressure(), store.indexPressure());
        return evicted;
    }

    /**
     * Brings the pages reserved down to {@code allocatorLimit}: releases regions whose pages are all
     * free, and empties the region with the fewest live chunks until enough are.
     */
    synchronized void shrinkTo(long allocatorLimit) {
        long excess = allocator.setLimit(allocatorLimit);
        for (int round = 0; excess > 0 && round < 10_000; round++) {
            int[] regions = allocator.regionRanges();
            int best = -1;
            long bestLive = Long.MAX_VALUE;
            for (int r = 0; r < regions.length; r += 2) {
                long live = 0;
                for (int p = regions[r]; p < regions[r] + regions[r + 1]; p++) {
                    live += Math.max(0, allocator.liveChunks(p));
                }
                if (live < bestLive) {
                    best = r;
                    bestLive = live;
                }
            }
            if (best < 0) {
                break;
            }
            for (int p = regions[best]; p < regions[best] + regions[best + 1]; p++) {
                if (allocator.pageClass(p) >= 0) {
                    evictor.drain(p);
                }
            }
            for (int i = 0; i < 4; i++) {
                allocator.reclaim();
            }
            excess = allocator.setLimit(allocatorLimit);
            if (excess > 0 && round > 4) {
                Thread.yield(); // readers must leave their critical sections for the pages to come back
            }
        }
        EvictionRoundEvent.emit("limit", 0, store.pressure(), store.pressure());
    }

    long checks() {
        return checks;
    }

    double peakPressure() {
        return peakPressure;
    }
}
