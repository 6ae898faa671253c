package io.slabkv.bench.cli;

import io.slabkv.SlabKV;
import io.slabkv.StoreStats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * One worker thread of {@code slabkv run}: preloads its share of the keys, waits for the start,
 * then runs gets and puts until told to stop.
 *
 * <p>The operation loop allocates nothing and takes no lock: keys and sizes come from a
 * {@link SplitMix} the worker owns, values from off-heap buffers made once, latencies go to two
 * {@link SingleWriterRecorder}s only this thread writes (the reporter swaps their interval
 * histograms out, wait-free for the writer), and the counters are plain fields published with
 * opaque stores for the reporter to read.
 *
 * <p>Every value of 8 bytes or more starts with its key: a get that returns a value starting with
 * another key counts as a wrong read (the store returned bytes that are not this key's).
 */
final class RunWorker implements Runnable {

    /** Latencies above this (a minute) are recorded as this. */
    static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** How often a confined store's worker runs the store's maintenance (a shared store has its monitor thread). */
    static final long MAINTAIN_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Distinct value sizes up to this get a slice each, made once; larger ranges slice per put. */
    private static final int MAX_SLICES = 1 << 16;

    private static final VarHandle HITS, MISSES, WRITES, WRONG, PRELOADED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HITS = l.findVarHandle(RunWorker.class, "hits", long.class);
            MISSES = l.findVarHandle(RunWorker.class, "misses", long.class);
            WRITES = l.findVarHandle(RunWorker.class, "writes", long.class);
            WRONG = l.findVarHandle(RunWorker.class, "wrongReads", long.class);
            PRELOADED = l.findVarHandle(RunWorker.class, "preloaded", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What the reporter and the workers share. */
    static final class Control {
        final CountDownLatch preloadDone;
        final CountDownLatch go = new CountDownLatch(1);
        volatile boolean stop;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile String failurePhase;
        /** The store: the shared one, or the confined one once its worker has built it. */
        volatile SlabKV store;
        // A confined store answers stats() only on its own thread: the reporter asks, the worker serves.
        volatile long statsWanted;
        volatile long statsServed;
        volatile StoreStats statsSnapshot;

        Control(int workers) {
            this.preloadDone = new CountDownLatch(workers);
        }

        void fail(Throwable t, String phase) {
            if (failure.compareAndSet(null, t)) {
                failurePhase = phase;
            }
            stop = true;
        }
    }

    private final RunOptions o;
    private final Control c;
    private final Zipf zipf;            // null for uniform keys
    private final KeyScrambler scrambler;
    private final long preloadFrom;
    private final long preloadTo;
    private final SplitMix random;
    final SingleWriterRecorder readLatency = new SingleWriterRecorder(1, MAX_LATENCY_NANOS, 3);
    final SingleWriterRecorder writeLatency = new SingleWriterRecorder(1, MAX_LATENCY_NANOS, 3);

    private MemorySegment value;
    private MemorySegment[] slices;
    private MemorySegment dst;

    // Written by this worker only; read by the reporter through the opaque getters.
    private long hits;
    private long misses;
    private long writes;
    private long wrongReads;
    private long preloaded;
    private long preloadNanos;
    private long statsServedLocal;
    private long nextMaintain = System.nanoTime();

    RunWorker(int id, RunOptions o, Control c, Zipf zipf, KeyScrambler scrambler) {
        this.o = o;
        this.c = c;
        this.zipf = zipf;
        this.scrambler = scrambler;
        this.preloadFrom = o.keys() * id / o.threads();
        this.preloadTo = o.keys() * (id + 1) / o.threads();
        this.random = new SplitMix(SplitMix.mix(o.seed() * 31 + id + 1));
    }

    @Override
    public void run() {
        boolean confined = o.confined();
        try {
            buffers();
            if (confined) {
                c.store = PageSources.builder(o.pageSource(), true, o.limit(), o.keys()).build();
            }
            long t0 = System.nanoTime();
            preload(c.store);
            preloadNanos = System.nanoTime() - t0;
            if (confined) {
                c.statsSnapshot = c.store.stats();
            }
        } catch (Throwable t) {
            c.fail(t, "preload");
        } finally {
            c.preloadDone.countDown();
        }
        try {
            if (c.failure.get() == null) {
                awaitGo();
                loop(c.store, confined);
            }
        } catch (Throwable t) {
            c.fail(t, "run");
        } finally {
            if (confined && c.store != null) {
                c.statsSnapshot = c.store.stats();
                c.statsServed = Long.MAX_VALUE;
                c.store.close();
            }
        }
    }

    private void awaitGo() {
        boolean interrupted = false;
        for (;;) {
            try {
                c.go.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void buffers() {
        int max = Math.max(o.maxValue(), Long.BYTES);
        value = Arena.ofAuto().allocate(max, 8);
        for (int i = 0; i < max; i++) {
            value.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
        }
        dst = Arena.ofAuto().allocate(max, 8);
        long span = (long) o.maxValue() - o.minValue() + 1;
        if (span <= MAX_SLICES) {
            slices = new MemorySegment[(int) span];
            for (int i = 0; i < span; i++) {
                slices[i] = value.asSlice(0, o.minValue() + i);
            }
        }
    }

    /** The value to put under {@code key}: a size drawn from the range, starting with the key. */
    private MemorySegment valueFor(long key) {
        int min = o.minValue();
        int span = o.maxValue() - min;
        int index = span == 0 ? 0 : (int) random.nextLong(span + 1L);
        if (min + index >= Long.BYTES) {
            value.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, key);
        }
        return slices != null ? slices[index] : value.asSlice(0, min + index);
    }

    private void put(SlabKV kv, long key, MemorySegment v) {
        if (o.ttlNanos() > 0) {
            kv.put(key, v, o.ttlNanos(), TimeUnit.NANOSECONDS);
        } else {
            kv.put(key, v);
        }
    }

    private void preload(SlabKV kv) {
        boolean confined = o.confined();
        long done = 0;
        for (long k = preloadFrom; k < preloadTo; k++) {
            put(kv, k, valueFor(k));
            if ((++done & 1023) == 0) {
                PRELOADED.setOpaque(this, done);
                if (confined) {
                    confinedChores(kv);
                }
                if (c.stop) {
                    return;
                }
            }
        }
        PRELOADED.setOpaque(this, done);
    }

    private void loop(SlabKV kv, boolean confined) {
        final Control c = this.c;
        final SplitMix rnd = this.random;
        final double readRatio = o.readRatio();
        final MemorySegment dst = this.dst;
        final long dstSize = dst.byteSize();
        final SingleWriterRecorder reads = readLatency;
        final SingleWriterRecorder puts = writeLatency;
        long h = 0, m = 0, w = 0, wrong = 0;
        int tick = 0;
        while (!c.stop) {
            long key = nextKey(rnd);
            if (rnd.nextDouble() < readRatio) {
                long t0 = System.nanoTime();
                int n = kv.get(key, dst);
                long t = System.nanoTime() - t0;
                reads.recordValue(Math.min(t, MAX_LATENCY_NANOS));
                if (n == SlabKV.MISS) {
                    MISSES.setOpaque(this, ++m);
                } else {
                    if (n > dstSize || (n >= Long.BYTES && dst.get(ValueLayout.JAVA_LONG_UNALIGNED, 0) != key)) {
                        WRONG.setOpaque(this, ++wrong);
                    }
                    HITS.setOpaque(this, ++h);
                }
            } else {
                MemorySegment v = valueFor(key);
                long t0 = System.nanoTime();
                put(kv, key, v);
                long t = System.nanoTime() - t0;
                puts.recordValue(Math.min(t, MAX_LATENCY_NANOS));
                WRITES.setOpaque(this, ++w);
            }
            if (confined && (++tick & 1023) == 0) {
                confinedChores(kv);
            }
        }
    }

    private long nextKey(SplitMix rnd) {
        return zipf != null ? scrambler.apply(zipf.rank(rnd.nextDouble())) : rnd.nextLong(o.keys());
    }

    /**
     * On a confined store's thread, every 1024 operations (outside the timed calls): the store's
     * maintenance when due (a confined store runs no monitor thread: TTL sweep, eviction above the
     * high watermark), and the reporter's request for a stats snapshot.
     */
    private void confinedChores(SlabKV kv) {
        long now = System.nanoTime();
        if (now - nextMaintain >= 0) {
            kv.maintain();
            nextMaintain = now + MAINTAIN_EVERY_NANOS;
        }
        serveStats(kv);
    }

    /** On a confined store's thread: answers the reporter's request for a stats snapshot. */
    private void serveStats(SlabKV kv) {
        long wanted = c.statsWanted;
        if (wanted != statsServedLocal) {
            c.statsSnapshot = kv.stats();
            statsServedLocal = wanted;
            c.statsServed = wanted;
        }
    }

    long hits() {
        return (long) HITS.getOpaque(this);
    }

    long misses() {
        return (long) MISSES.getOpaque(this);
    }

    long writes() {
        return (long) WRITES.getOpaque(this);
    }

    long wrongReads() {
        return (long) WRONG.getOpaque(this);
    }

    long preloaded() {
        return (long) PRELOADED.getOpaque(this);
    }

    /** Valid after the preload latch opened. */
    long preloadNanos() {
        return preloadNanos;
    }
}
