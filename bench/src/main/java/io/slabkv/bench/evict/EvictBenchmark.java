package io.slabkv.bench.evict;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Get and put throughput while eviction runs, one subclass per store: {@link SlabKVEvictBenchmark},
 * {@link CaffeineEvictBenchmark}, {@link OhcEvictBenchmark}. A subclass names its store and the JVM
 * flags its forks need; the workload is here, the same for all.
 *
 * <h2>Working set</h2>
 * {@code keys} distinct 8-byte keys ({@link KeyDraws}) with {@value Payload#VALUE_SIZE}-byte values,
 * against a store built to hold half of them ({@code keys / 2} entries: each store computes its own
 * limit for that, see its class). In setup the first thread builds the store, puts every key once
 * (so the store is at its limit and has evicted about half of them), lets background eviction
 * settle, and checks that the store holds between {@value #LOW} and {@value #HIGH} of the target:
 * the three stores must be comparable, or the run stops here.
 *
 * <h2>Operations</h2>
 * Keys come from a sequence drawn in setup ({@code distribution}: uniform, or Zipf(0.99) with the
 * hottest keys spread over the key space); each thread walks the shared sequence from its own offset.
 * <ul>
 *   <li>{@code getOrLoad}: cache-aside: get; on a miss, put the key's value (the mix a cache in front
 *       of a slower source sees). Hits and misses are counted ({@link Lookups}).</li>
 *   <li>{@code put}: put of the next key, whether present or not. The store is at its limit, so each
 *       put of an absent key evicts (about half of them with uniform keys, fewer with Zipf, whose hot
 *       keys stay in).</li>
 * </ul>
 * Each runs on one thread and, as {@code *2T}, on two threads sharing the store.
 *
 * <h2>What is printed</h2>
 * Each forked JVM prints, besides JMH's lines: the limit each store was built with and the entries
 * it held after the load; after every iteration, the entries held and, for getOrLoad, the iteration's
 * hit ratio; after the trial, the store's own summary. JMH reports the hits and misses per
 * microsecond as secondary results ({@code getOrLoad:hits}, {@code getOrLoad:misses}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class EvictBenchmark {

    /** The lowest share of the target entries a store may hold after the load. */
    static final double LOW = 0.75;
    /** The highest. */
    static final double HIGH = 1.10;

    /** Distinct keys; each store holds half of them. */
    @Param("1000000")
    public int keys;

    /** How keys are drawn: {@code uniform} or {@code zipf} (theta 0.99). */
    @Param({"uniform", "zipf"})
    public String distribution;

    /** The store and key sequence of one benchmark run, shared by its threads. */
    @State(Scope.Benchmark)
    public static class Shared {
        EvictingStore store;
        long[] draws;
        long target;
        final LongAdder hits = new LongAdder();
        final LongAdder misses = new LongAdder();
        final AtomicInteger reported = new AtomicInteger();

        @TearDown(Level.Iteration)
        public void reportEntries() {
            if (store != null) {
                System.out.printf("[evict] %s holds %,d entries (target %,d)%n", store, store.entries(), target);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            if (store != null) {
                System.out.println("[evict] end of trial: " + store.describeLimit() + "; " + summary(store));
                store.close();
                store = null;
            }
        }
    }

    /** Hits and misses of one thread's getOrLoad, reported by JMH as rates (per microsecond). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Lookups {
        public long hits;
        public long misses;

        @Setup(Level.Iteration)
        public void reset() {
            hits = 0;
            misses = 0;
        }

        /** Adds this thread's counts to the run's; the last thread to arrive prints the iteration's hit ratio. */
        @TearDown(Level.Iteration)
        public void report(Shared shared, ThreadParams thread) {
            shared.hits.add(hits);
            shared.misses.add(misses);
            if (shared.reported.incrementAndGet() == thread.getThreadCount()) {
                long h = shared.hits.sumThenReset();
                long m = shared.misses.sumThenReset();
                shared.reported.set(0);
                System.out.printf("[evict] hit ratio %.4f (%,d hits, %,d misses)%n",
                        h + m == 0 ? 0.0 : (double) h / (h + m), h, m);
            }
        }
    }

    private EvictingStore.Client client;
    private long[] draws;
    private int mask;
    private int next;

    /** Builds the store this benchmark measures, empty, with a limit that holds {@code held} entries. */
    protected abstract EvictingStore open(long held);

    @Setup(Level.Trial)
    public void setUp(Shared shared, ThreadParams thread) {
        synchronized (shared) {
            if (shared.store == null) {
                shared.target = keys / 2;
                shared.draws = KeyDraws.draw(distribution, keys, KeyDraws.LENGTH, 42);
                shared.store = loadAndCheck(open(shared.target), keys, shared.target);
            }
        }
        client = shared.store.client();
        draws = shared.draws;
        mask = draws.length - 1;
        next = (int) ((long) draws.length * thread.getThreadIndex() / thread.getThreadCount());
    }

    /**
     * Puts key numbers {@code [0, keys)} once, lets eviction settle, and checks that the store holds
     * {@code target} entries within [{@value #LOW}, {@value #HIGH}] and charges no more than its
     * limit. Returns the store, or closes it and throws.
     */
    static EvictingStore loadAndCheck(EvictingStore store, int keys, long target) {
        try {
            EvictingStore.Client c = store.client();
            for (long i = 0; i < keys; i++) {
                c.put(KeyDraws.key(i));
            }
            store.settle();
            long held = store.entries();
            System.out.printf("[evict] %s: %s; after putting %,d keys it holds %,d entries (%.3f of the target %,d),"
                            + " charging %,d of %,d%n", store, store.describeLimit(), keys, held,
                    (double) held / target, target, store.charged(), store.limit());
            if (held < LOW * target || held > HIGH * target) {
                throw new IllegalStateException(store + " holds " + held + " entries after the load, not within ["
                        + LOW + ", " + HIGH + "] of the target " + target + ": the stores are not comparable");
            }
            if (store.charged() > store.limit()) {
                throw new IllegalStateException(store + " charges " + store.charged() + " against its limit of "
                        + store.limit());
            }
            // Put the last key again and read it back. (Checking that the last key of the load was
            // still there failed with slabkv's admission window: settle() evicts to the low
            // watermark, several clock ticks, so the newest unread entries leave the window and lose
            // their admission duel, as a new key never read should in a frequency-aware cache.)
            long last = KeyDraws.key(keys - 1);
            c.put(last);
            if (c.get(last) != Payload.VALUE_SIZE || !Payload.isValueOf(c.lastValue(), last)) {
                throw new IllegalStateException(store + ": a key just put does not read back its value");
            }
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    static String summary(EvictingStore store) {
        store.settle();
        String s = String.format("%,d entries held, charging %,d of %,d", store.entries(), store.charged(),
                store.limit());
        if (store instanceof SlabKVEvictingStore slab) {
            s += "; " + slab.stats();
        }
        return s;
    }

    private long nextKey() {
        return draws[next++ & mask];
    }

    /** One cache-aside lookup: the value on a hit, a put of it on a miss. */
    static boolean getOrLoad(EvictingStore.Client client, long key) {
        if (client.get(key) != EvictingStore.MISS) {
            return true;
        }
        client.put(key);
        return false;
    }

    // ------------------------------------------------------------------ one thread

    @Benchmark
    public boolean getOrLoad(Lookups lookups) {
        if (getOrLoad(client, nextKey())) {
            lookups.hits++;
            return true;
        }
        lookups.misses++;
        return false;
    }

    @Benchmark
    public void put() {
        client.put(nextKey());
    }

    // ------------------------------------------------------------------ two threads, one store

    @Benchmark
    @Threads(2)
    public boolean getOrLoad2T(Lookups lookups) {
        return getOrLoad(lookups);
    }

    @Benchmark
    @Threads(2)
    public void put2T() {
        put();
    }
}
