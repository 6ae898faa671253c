package io.slabkv.bench.store;

import io.slabkv.bench.cli.KeyScrambler;
import io.slabkv.bench.cli.Zipf;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The peer workload, one subclass per store: {@link SlabKVBenchmark}, {@link ConcurrentHashMapBenchmark},
 * {@link CaffeineBenchmark}, {@link ChronicleMapBenchmark}, {@link OhcBenchmark}. A subclass names
 * its store, the JVM flags its forks need and what an entry costs it; the operations are here, the
 * same for all.
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>{@code entries}: keys loaded before measuring, 10,000 (cache-resident), 1,000,000 and
 *       10,000,000 (far past the last-level cache);</li>
 *   <li>{@code valueSize}: 16, 100 (the headline) or 1000 bytes per value;</li>
 *   <li>{@code keys}: how the key of an operation is drawn from the {@code entries} key numbers:
 *       {@code uniform}, by a per-thread xorshift generator, or {@code zipf}, Zipf with theta
 *       {@value #ZIPF_THETA} (rank 0 the most popular), read from a per-thread table of
 *       {@value #ZIPF_DRAWS} draws made in setup, so the measured call pays one array read and not a
 *       {@code Math.pow}. Ranks go through a fixed permutation of the key numbers
 *       ({@link KeyScrambler}, the same for every thread), so the hot keys are not the first ones
 *       loaded, which would sit side by side in memory.</li>
 * </ul>
 * The largest point is 10,000,000 x 1000 bytes (about 11 GB of payload and 11-13 GB in any store).
 * Before loading, setup estimates what the store will need ({@link #footprint}) and stops that point
 * with a "does not fit" message when the heap ({@code -Xmx}) or the machine's available memory is too
 * small, rather than running out of memory halfway through the preload.
 *
 * <h2>Operations</h2>
 * <ul>
 *   <li>{@code getHit}: get of a present key;</li>
 *   <li>{@code getMiss}: get of a key never inserted (absent key number {@code entries + n}, {@code n}
 *       drawn as for a hit);</li>
 *   <li>{@code putOverwrite}: put of a present key, replacing its value;</li>
 *   <li>{@code putNewThenRemove}: put of a fresh key, then its remove: one operation is the pair, and
 *       the store's size stays at {@code entries}. Fresh keys are sequential numbers, so {@code keys}
 *       does not change this one;</li>
 *   <li>{@code mixed90}, {@code mixed50}: a present key, then a get (90 % or 50 % of operations) or a
 *       put of it, decided by the thread's xorshift generator (no allocation, unpredictable to the
 *       branch predictor);</li>
 *   <li>{@code getHitSample}: {@code getHit} in JMH's SampleTime mode, for latency percentiles (JMH
 *       times a sample of calls; its timer's cost is in every figure).</li>
 * </ul>
 * Each (but {@code getHitSample}) runs on one thread and, as {@code *2T}, on two threads sharing the
 * store.
 *
 * <h2>State</h2>
 * This class is the per-thread state: its client (buffers) and key generator. The store is in
 * {@link Shared}, one per benchmark run: the first thread to reach setup builds it, loads
 * {@code entries} keys and checks them ({@link Workload#preloadAndCheck}); then every thread makes
 * its client and its key table. None of that is measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class StoreBenchmark {

    static final double ZIPF_THETA = 0.99;
    /** Zipf draws per thread, a power of two; the table is read in a cycle. */
    static final int ZIPF_DRAWS = 1 << 20;
    /** The seed of the rank-to-key-number permutation, shared by all threads. */
    static final long ZIPF_SCRAMBLE_SEED = 42;

    @Param({"10000", "1000000", "10000000"})
    public int entries;

    @Param({"16", "100", "1000"})
    public int valueSize;

    @Param({"uniform", "zipf"})
    public String keys;

    /** The store of one benchmark run, shared by its threads, and the Zipf distribution they draw from. */
    @State(Scope.Benchmark)
    public static class Shared {
        KvStore store;
        Zipf zipf;
        KeyScrambler scrambler;

        @TearDown(Level.Trial)
        public void close() {
            if (store != null) {
                store.close();
                store = null;
            }
        }
    }

    /**
     * What one loaded entry costs a store, estimated (on the safe side) for the fit check: bytes on the
     * Java heap and outside it.
     */
    protected record Footprint(long heapPerEntry, long offHeapPerEntry) {

        /**
         * An off-heap store's: the key and value, a quarter more for size classes or allocator
         * rounding, and 64 bytes of header and index: 199 B at 100-byte values, where slabkv, Chronicle
         * Map and OHC took 146, 150 and 189 B per entry (1,000,000 entries, bench/results/memory.csv).
         */
        static Footprint offHeapStore(int valueSize) {
            return new Footprint(0, (valueSize + 8L) * 5 / 4 + 64);
        }
    }

    private KvStore.Client client;
    private long rnd;
    private long nextFresh;
    /** Zipf key numbers ({@code keys = zipf}), or null (uniform: drawn from {@link #rnd}). */
    private int[] zipfNumbers;
    private int zipfCursor;

    /** Builds the store this benchmark measures, empty, sized for {@code entries} of {@code valueSize} bytes. */
    protected abstract KvStore open(int entries, int valueSize);

    /** What an entry with a {@code valueSize}-byte value costs this store. */
    protected abstract Footprint footprint(int valueSize);

    @Setup(Level.Trial)
    public void setUp(Shared shared, ThreadParams thread) {
        boolean zipf = switch (keys) {
            case "uniform" -> false;
            case "zipf" -> true;
            default -> throw new IllegalArgumentException("keys=" + keys + ": uniform or zipf");
        };
        synchronized (shared) {
            if (shared.store == null) {
                checkFits();
                KvStore store = open(entries, valueSize);
                Workload.preloadAndCheck(store, store.client(), entries, valueSize);
                shared.store = store;
                if (zipf) {
                    shared.zipf = new Zipf(entries, ZIPF_THETA);
                    shared.scrambler = new KeyScrambler(entries, ZIPF_SCRAMBLE_SEED);
                }
            }
        }
        int t = thread.getThreadIndex();
        client = shared.store.client();
        client.setValue(Workload.valueOf(-t, valueSize));
        rnd = Workload.key(t + 12345L) | 1; // xorshift state: any non-zero value
        nextFresh = Workload.freshBase(t);
        zipfNumbers = zipf ? zipfNumbers(shared.zipf, shared.scrambler, t) : null;
        zipfCursor = 0;
    }

    /** {@value #ZIPF_DRAWS} key numbers of thread {@code t}: Zipf ranks, each mapped to its key number. */
    static int[] zipfNumbers(Zipf zipf, KeyScrambler scrambler, int t) {
        int[] numbers = new int[ZIPF_DRAWS];
        long seed = (t + 1L) << 48;
        for (int i = 0; i < ZIPF_DRAWS; i++) {
            double u = (Workload.key(seed + i) >>> 11) * 0x1.0p-53; // uniform in [0, 1)
            numbers[i] = (int) scrambler.apply(zipf.rank(u));
        }
        return numbers;
    }

    /**
     * Stops this point, before anything is loaded, when the store's estimated footprint does not fit:
     * heap above 85 % of {@code -Xmx} (room left for the garbage of puts), or heap plus off-heap above
     * 90 % of the machine's available memory ({@code MemAvailable}, when /proc/meminfo is readable).
     */
    private void checkFits() {
        Footprint f = footprint(valueSize);
        long heap = entries * f.heapPerEntry();
        long offHeap = entries * f.offHeapPerEntry();
        long maxHeap = Runtime.getRuntime().maxMemory();
        Class<?> store = getClass(); // JMH measures a generated subclass of the store's class
        while (store.getSuperclass() != StoreBenchmark.class) {
            store = store.getSuperclass();
        }
        String point = String.format(Locale.ROOT, "%s, entries=%d valueSize=%d", store.getSimpleName(), entries, valueSize);
        if (heap > maxHeap * 0.85) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "does not fit, skipped: %s needs about %.1f GB of heap (%d B/entry), above 85 %% of -Xmx (%.1f GB);"
                            + " raise -Xmx in the class's @Fork or leave this point out", point, heap / 1e9,
                    f.heapPerEntry(), maxHeap / 1e9));
        }
        long available = memAvailable();
        if (available > 0 && heap + offHeap > available * 0.9) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "does not fit, skipped: %s needs about %.1f GB (heap %.1f + off-heap %.1f), above 90 %% of the"
                            + " machine's available memory (%.1f GB)", point, (heap + offHeap) / 1e9, heap / 1e9,
                    offHeap / 1e9, available / 1e9));
        }
    }

    /** MemAvailable from /proc/meminfo in bytes, or -1. */
    private static long memAvailable() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemAvailable:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no check
        }
        return -1;
    }

    /** xorshift64: the next of this thread's uniform 64-bit numbers. */
    private long nextRandom() {
        long x = rnd;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        rnd = x;
        return x;
    }

    /**
     * The next present key number in {@code [0, entries)}: the next entry of the Zipf table, or a
     * uniformly random one (multiply-shift range reduction of the generator's high 32 bits).
     */
    private long nextNumber() {
        int[] z = zipfNumbers;
        if (z != null) {
            return z[zipfCursor++ & (ZIPF_DRAWS - 1)];
        }
        return ((nextRandom() >>> 32) * entries) >>> 32;
    }

    /** A present key; with probability {@code getPercent} / 100 its get, else a put of it. */
    private int mixed(int getPercent) {
        long k = Workload.key(nextNumber());
        if (((nextRandom() & 0xFFFF_FFFFL) * 100 >>> 32) < getPercent) {
            return client.get(k);
        }
        client.put(k);
        return 0;
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

    @Benchmark
    public int mixed90() {
        return mixed(90);
    }

    @Benchmark
    public int mixed50() {
        return mixed(50);
    }

    /** {@link #getHit} timed call by call (a sample of them): p50 .. p99.99 in the JMH result. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int getHitSample() {
        return getHit();
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

    @Benchmark
    @Threads(2)
    public int mixed902T() {
        return mixed(90);
    }

    @Benchmark
    @Threads(2)
    public int mixed502T() {
        return mixed(50);
    }
}
