package io.slabkv.bench.memory;

import io.slabkv.SlabKV;
import io.slabkv.StoreStats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Memory per entry: fills a store with N entries of 8-byte keys and V-byte values and reports
 * (bytes reserved - payload) / entries, the overhead the issue bounds at 32 bytes, plus the Java heap
 * the store retains at several fill levels (it must stay flat as entries grow: the heap holds only
 * per-page and per-class metadata).
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *       io.slabkv.bench.memory.MemoryPerEntry [entries=1000000] [valueBytes=100] [growth=1.25]
 * </pre>
 * {@code -DregionMiB=N} sets the store's region size (default: the store's own, 4 MiB).
 */
public final class MemoryPerEntry {

    private MemoryPerEntry() {
    }

    public static void main(String[] args) {
        long entries = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        double growth = args.length > 2 ? Double.parseDouble(args[2]) : 1.25;
        MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
        long heapBefore = settledHeap(heap);
        SlabKV.Builder builder = SlabKV.builder().memoryLimit(4L << 30).expectedEntries(entries).growthFactor(growth)
                .backgroundMonitor(false);
        Long regionMiB = Long.getLong("regionMiB"); // unset: the store's default region size, as users get it
        if (regionMiB != null) {
            builder.regionSize(regionMiB << 20);
        }
        try (SlabKV kv = builder.build(); Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(valueBytes);
            long heapEmpty = settledHeap(heap) - heapBefore;
            System.out.printf("%-12s %14s %14s %12s %14s%n", "entries", "reserved B", "overhead B/e", "used B/e",
                    "heap retained");
            long step = Math.max(1, entries / 4);
            for (long k = 0; k < entries; k++) {
                kv.put(k, value);
                if ((k + 1) % step == 0) {
                    StoreStats s = kv.stats();
                    long n = s.entries();
                    long payload = n * (8L + valueBytes);
                    System.out.printf("%-12d %14d %14.2f %12.2f %14d%n", n, s.bytesReserved(),
                            (double) (s.bytesReserved() - payload) / n, (double) (s.bytesUsed() - payload) / n,
                            settledHeap(heap) - heapBefore);
                }
            }
            StoreStats s = kv.stats();
            System.out.printf("empty store heap: %d bytes; index %d bytes (%.2f B/entry); growth %.2f; value %d B%n",
                    heapEmpty, s.indexBytes(), (double) s.indexBytes() / s.entries(), growth, valueBytes);
        }
    }

    private static long settledHeap(MemoryMXBean heap) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return heap.getHeapMemoryUsage().getUsed();
    }
}
