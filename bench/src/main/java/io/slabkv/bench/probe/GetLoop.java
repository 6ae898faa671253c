package io.slabkv.bench.probe;

import io.slabkv.SlabKV;
import io.slabkv.bench.store.Workload;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The cost of one slabkv get at 1M entries, alone: a probe for A/B work on the get path (issue 3).
 *
 * <p>Fills a shared store with 1M {@code long} keys and 100 B values, then times rounds of 3M gets of
 * uniformly random keys in thread CPU time (so a busy machine that deschedules the thread does not
 * count), and prints the best and the median round in ns per get. One store per JVM, as in JMH.
 *
 * <p>Compare builds by <em>alternating launches</em> (A, B, A, B, ...): the JIT's inlining of the get
 * path can differ from launch to launch, and that difference was worth 1.5x (see
 * bench/results/NOTES.md, "A get's instruction budget"). Add
 * {@code -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation} to see what C2 inlined.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * io.slabkv.bench.probe.GetLoop [entries] [get|put]}. With {@code put} the rounds overwrite random
 * present keys instead (100 B values, the same size: the store stays at {@code entries}), the cost of
 * a put alone.
 */
public final class GetLoop {

    private static final long OPS = 3_000_000;
    private static final int WARMUP = 3;
    private static final int ROUNDS = 7;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private GetLoop() {
    }

    public static void main(String[] args) {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        boolean puts = args.length > 1 && args[1].equals("put");
        try (SlabKV store = SlabKV.builder().memoryLimit(512L << 20).expectedEntries(entries).build()) {
            MemorySegment value = Arena.ofAuto().allocate(100, 8);
            for (int i = 0; i < entries; i++) {
                store.put(Workload.key(i), value);
            }
            MemorySegment dst = Arena.ofAuto().allocate(100, 8);
            double[] ns = new double[ROUNDS];
            long sink = 0;
            for (int r = -WARMUP; r < ROUNDS; r++) {
                long t0 = THREADS.getCurrentThreadCpuTime();
                sink += puts ? puts(store, value, entries, 42 + r) : gets(store, dst, entries, 42 + r);
                double perGet = (THREADS.getCurrentThreadCpuTime() - t0) / (double) OPS;
                if (r >= 0) {
                    ns[r] = perGet;
                }
            }
            Arrays.sort(ns);
            String op = puts ? "put" : "get";
            System.out.printf("slabkv %s, %,d entries: best %.1f ns, median %.1f ns per %s   (%d)%n",
                    op, entries, ns[0], ns[ROUNDS / 2], op, sink & 1);
        }
    }

    private static long puts(SlabKV store, MemorySegment value, int entries, long seed) {
        for (long i = 0; i < OPS; i++) {
            seed ^= seed << 13;
            seed ^= seed >>> 7;
            seed ^= seed << 17;
            store.put(Workload.key(((seed >>> 32) * entries) >>> 32), value);
        }
        return seed;
    }

    private static long gets(SlabKV store, MemorySegment dst, int entries, long seed) {
        long sink = 0;
        for (long i = 0; i < OPS; i++) {
            seed ^= seed << 13;
            seed ^= seed >>> 7;
            seed ^= seed << 17;
            sink += store.get(Workload.key(((seed >>> 32) * entries) >>> 32), dst);
        }
        return sink;
    }
}
