package io.slabkv.bench.probe;

import io.slabkv.SlabKV;
import io.slabkv.bench.store.Workload;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How much of a random get's cache-miss latency this machine can hide, and why slabkv's get does not
 * hide it: a probe for issue 3 (get throughput at 1M entries).
 *
 * <p>Three loops over independent random keys, timed in thread CPU time (so a busy machine that
 * deschedules the thread does not count):
 * <ol>
 *   <li>{@code raw}: a bucket load in a 12 MiB table, then a load of the 128-byte entry it names in
 *       128 MiB (the shape of a slabkv get at 1M x 100 B: two dependent misses), followed by
 *       {@code work} rounds of multiply-xor on the loaded value (about 4 instructions each). With
 *       no work the core overlaps the misses of many iterations; a few dozen instructions that
 *       wait on the miss are enough to stop that, because the reorder buffer and the schedulers
 *       fill before the next iteration's loads are reached;</li>
 *   <li>{@code chm}: {@code ConcurrentHashMap<Long, byte[]>.get} over 1M entries: a short path
 *       that overlaps;</li>
 *   <li>{@code slabkv}: {@code get(long, MemorySegment)} over 1M entries of 100 B.</li>
 * </ol>
 * Run: {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * io.slabkv.bench.probe.MissOverlap}. JMH measures the stores ({@code store.*Benchmark.getHit});
 * this measures the machine.
 */
public final class MissOverlap {

    private static final int ENTRIES = 1_000_000;
    private static final long OPS = 3_000_000;
    private static final int ROUNDS = 5;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private MissOverlap() {
    }

    public static void main(String[] args) {
        MemorySegment table = Arena.global().allocate(12L << 20, 64);
        MemorySegment entries = Arena.global().allocate(128L << 20, 64);
        long buckets = table.byteSize() / 64;
        long slots = entries.byteSize() / 128;
        SplittableRandom random = new SplittableRandom(1);
        for (long b = 0; b < buckets; b++) {
            table.set(ValueLayout.JAVA_LONG, b * 64, random.nextLong(slots) * 128);
        }
        for (int work : new int[] {0, 5, 10, 20, 40}) {
            report("raw, work " + work, () -> raw(table, entries, buckets, work));
        }

        ConcurrentHashMap<Long, byte[]> map = new ConcurrentHashMap<>(2 * ENTRIES);
        for (int i = 0; i < ENTRIES; i++) {
            map.put(Workload.key(i), new byte[100]);
        }
        report("chm get", () -> {
            long seed = 42;
            long sink = 0;
            for (long i = 0; i < OPS; i++) {
                seed = xorshift(seed);
                sink += map.get(Workload.key(((seed >>> 32) * ENTRIES) >>> 32)).length;
            }
            return sink;
        });
        map.clear();

        try (SlabKV store = SlabKV.builder().memoryLimit(512L << 20).expectedEntries(ENTRIES).build()) {
            MemorySegment value = Arena.ofAuto().allocate(100, 8);
            for (int i = 0; i < ENTRIES; i++) {
                store.put(Workload.key(i), value);
            }
            MemorySegment dst = Arena.ofAuto().allocate(100, 8);
            report("slabkv get", () -> {
                long seed = 42;
                long sink = 0;
                for (long i = 0; i < OPS; i++) {
                    seed = xorshift(seed);
                    sink += store.get(Workload.key(((seed >>> 32) * ENTRIES) >>> 32), dst);
                }
                return sink;
            });
        }
    }

    private static long raw(MemorySegment table, MemorySegment entries, long buckets, int work) {
        long seed = 42;
        long sink = 0;
        for (long i = 0; i < OPS; i++) {
            seed = xorshift(seed);
            long e = table.get(ValueLayout.JAVA_LONG, Math.unsignedMultiplyHigh(seed, buckets) * 64);
            long x = entries.get(ValueLayout.JAVA_LONG, e) + entries.get(ValueLayout.JAVA_LONG, e + 64);
            for (int w = 0; w < work; w++) {
                x = x * 0x9E3779B97F4A7C15L + w;
                x ^= x >>> 29;
            }
            sink += x;
        }
        return sink;
    }

    private static long xorshift(long s) {
        s ^= s << 13;
        s ^= s >>> 7;
        return s ^ s << 17;
    }

    private interface Loop {
        long run();
    }

    /** Two warm-up rounds, then the best and the median of {@value #ROUNDS} rounds, in ns per operation. */
    private static void report(String name, Loop loop) {
        double[] ns = new double[ROUNDS];
        long sink = 0;
        for (int r = -2; r < ROUNDS; r++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            sink += loop.run();
            double perOp = (THREADS.getCurrentThreadCpuTime() - t0) / (double) OPS;
            if (r >= 0) {
                ns[r] = perOp;
            }
        }
        java.util.Arrays.sort(ns);
        System.out.printf("%-16s best %6.1f ns/op, median %6.1f ns/op   (%d)%n", name, ns[0], ns[ROUNDS / 2], sink & 1);
    }
}
