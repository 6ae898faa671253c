package io.slabkv.bench.probe;

import io.slabkv.SlabKV;
import io.slabkv.bench.store.Workload;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Puts of fresh keys into a store at its memory limit, round after round: the cost of a put that
 * evicts, and whether it drifts as the store churns (issue 4). Each round prints the put thread's CPU
 * time per put (the monitor's thread, when on, is not counted) and the store's stats.
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * io.slabkv.bench.probe.PutAtLimit EXPECTED_ENTRIES PUTS_PER_ROUND ROUNDS inline|monitor}, for
 * example {@code 800000 1000000 8 inline}: a 128 MiB limit holds about 959k entries of 100 bytes, more
 * than 800k expected entries' index may hold (the case of IndexLoadTest); {@code 2000000} sizes the
 * index above the memory. JMH measures throughput under eviction ({@code evict.*}); this shows drift.
 */
public final class PutAtLimit {

    private PutAtLimit() {
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: PutAtLimit EXPECTED_ENTRIES PUTS_PER_ROUND ROUNDS inline|monitor");
            System.exit(2);
        }
        long expected = Long.parseLong(args[0]);
        long perRound = Long.parseLong(args[1]);
        int rounds = Integer.parseInt(args[2]);
        boolean monitor = switch (args[3]) {
            case "monitor" -> true;
            case "inline" -> false;
            default -> throw new IllegalArgumentException("mode " + args[3] + " must be inline or monitor");
        };
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (SlabKV store = SlabKV.builder().memoryLimit(128L << 20).expectedEntries(expected)
                .backgroundMonitor(monitor).build()) {
            MemorySegment value = Arena.ofAuto().allocate(100, 8);
            long next = 0;
            for (int r = 0; r < rounds; r++) {
                long t0 = threads.getCurrentThreadCpuTime();
                for (long i = 0; i < perRound; i++) {
                    store.put(Workload.key(next++), value);
                }
                double ns = (threads.getCurrentThreadCpuTime() - t0) / (double) perRound;
                System.out.printf("round %d: %.0f ns/put (put thread CPU), %s%n", r, ns, store.stats());
            }
        }
    }
}
