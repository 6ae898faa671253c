package io.slabkv.bench.store;

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

/**
 * The peer workload, one subclass per store: {@link SlabKVBenchmark}, {@link ConcurrentHashMapBenchmark},
 * {@link CaffeineBenchmark}, {@link ChronicleMapBenchmark}, {@link OhcBenchmark}. A subclass names
 * its store and the JVM flags its forks need; the operations are here, the same for all.
 *
 * <h2>Operations</h2>
 * Keys are drawn uniformly at random from the loaded entries (see {@link Workload} for the key
 * ranges), by a per-thread xorshift generator.
 * <ul>
 *   <li>{@code getHit}: get of a present key;</li>
 *   <li>{@code getMiss}: get of a key never inserted;</li>
 *   <li>{@code putOverwrite}: put of a present key, replacing its {@value Workload#VALUE_SIZE}-byte value;</li>
 *   <li>{@code putNewThenRemove}: put of a fresh key, then its remove: one operation is the pair, and
 *       the store's size stays at {@code entries}.</li>
 * </ul>
 * Each runs on one thread and, as {@code *2T}, on two threads sharing the store.
 *
 * <h2>State</h2>
 * This class is the per-thread state: its client (buffers) and key generator. The store is in
 * {@link Shared}, one per benchmark run: the first thread to reach setup builds it, loads
 * {@code entries} keys and checks them ({@link Workload#preloadAndCheck}); then every thread makes
 * its client. None of that is measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class StoreBenchmark {

    /** Entries loaded before measuring: cache-resident (10k x ~120 B) and far past the LLC (1M). */
    @Param({"10000", "1000000"})
    public int entries;

    /** The store of one benchmark run, shared by its threads. */
    @State(Scope.Benchmark)
    public static class Shared {
        KvStore store;

        @TearDown(Level.Trial)
        public void close() {
            if (store != null) {
                store.close();
                store = null;
            }
        }
    }

    private KvStore.Client client;
    private long rnd;
    private long nextFresh;

    /** Builds the store this benchmark measures, empty, sized for {@code entries}. */
    protected abstract KvStore open(int entries);

    @Setup(Level.Trial)
    public void setUp(Shared shared, ThreadParams thread) {
        synchronized (shared) {
            if (shared.store == null) {
                KvStore store = open(entries);
                Workload.preloadAndCheck(store, store.client(), entries);
                shared.store = store;
            }
        }
        client = shared.store.client();
        client.setValue(Workload.valueOf(-thread.getThreadIndex()));
        rnd = Workload.key(thread.getThreadIndex() + 12345L) | 1; // xorshift state: any non-zero value
        nextFresh = Workload.freshBase(thread.getThreadIndex());
    }

    /** A uniformly random key number in {@code [0, entries)}: xorshift64, then a multiply-shift range reduction. */
    private long nextNumber() {
        long x = rnd;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        rnd = x;
        return ((x >>> 32) * entries) >>> 32;
    }

    // ------------------------------------------------------------------ one thread

    @Benchmark
    public int getHit() {
        return client.get(Workload.key(nextNumber()));
    }

    @Benchmark
    public int getMiss() {
        return client.get(Workload.key(entries + nextNumber()));
    }

    @Benchmark
    public void putOverwrite() {
        client.put(Workload.key(nextNumber()));
    }

    @Benchmark
    public boolean putNewThenRemove() {
        long k = Workload.key(nextFresh++);
        client.put(k);
        return client.remove(k);
    }

    // ------------------------------------------------------------------ two threads, one store

    @Benchmark
    @Threads(2)
    public int getHit2T() {
        return getHit();
    }

    @Benchmark
    @Threads(2)
    public int getMiss2T() {
        return getMiss();
    }

    @Benchmark
    @Threads(2)
    public void putOverwrite2T() {
        putOverwrite();
    }

    @Benchmark
    @Threads(2)
    public boolean putNewThenRemove2T() {
        return putNewThenRemove();
    }
}
