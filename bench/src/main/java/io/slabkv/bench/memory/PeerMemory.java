package io.slabkv.bench.memory;

import io.slabkv.bench.store.KvStore;
import io.slabkv.bench.store.Peers;
import io.slabkv.bench.store.Workload;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Memory per entry of every peer store at the peer benchmarks' shape: {@code entries} 8-byte keys
 * (the {@link Workload} keys) with {@value Workload#VALUE_SIZE}-byte values, each store opened as its
 * JMH class opens it ({@link Peers#open}), in a fresh JVM per store with that class's flags.
 * <p>
 * Per store: settle the heap (three {@code System.gc()}) for a baseline, open the store, put every
 * key (one value array reused, so the fill's garbage is the store's own), count the GCs and their time
 * during the fill, settle the heap again, and read the store's off-heap bytes ({@link KvStore#offHeapBytes}:
 * slabkv {@code stats().bytesReserved()}, Chronicle Map {@code offHeapMemoryUsed()}, OHC {@code memUsed()}
 * plus its hash tables, on-heap maps 0). Then
 * <pre>
 *   bytes per entry = (off-heap + heap after - heap baseline - entries * (8 + value)) / entries
 * </pre>
 * the overhead above the payload. The process's resident set growth over the fill (VmRSS) is printed
 * too, as a cross-check that counts what the stores do not report (malloc headers, pages the heap
 * touched); with {@code -Xms2g} it includes heap pages first touched during the fill.
 * <pre>
 *   ./slabkv memory [--stores slabkv,chm,...] [--entries 1000000] [--out bench/results/memory.csv]
 * </pre>
 */
public final class PeerMemory {

    static final String HEADER = "store,entries,value_bytes,offheap_bytes,heap_baseline,heap_after,heap_retained,"
            + "payload_bytes,bytes_per_entry,overhead_per_entry,fill_ms,fill_gc_count,fill_gc_ms,rss_growth";

    private PeerMemory() {
    }

    public static void main(String[] a) throws Exception {
        String stores = String.join(",", Peers.NAMES);
        String one = null;
        int entries = 1_000_000;
        Path out = Path.of("bench/results/memory.csv");
        for (int i = 0; i < a.length; i++) {
            switch (a[i]) {
                case "--stores" -> stores = a[++i];
                case "--one" -> one = a[++i];
                case "--entries" -> entries = Integer.parseInt(a[++i]);
                case "--out" -> out = Path.of(a[++i]);
                default -> throw new IllegalArgumentException("unknown option " + a[i]
                        + "; options: --stores a,b --entries N --out FILE");
            }
        }
        if (one != null) {
            System.out.println("RESULT " + measure(one, entries));
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (String s : stores.split(",")) {
            for (String line : Peers.runInFreshJvm(s, List.of(), PeerMemory.class.getName(),
                    List.of("--one", s, "--entries", "" + entries))) {
                if (line.startsWith("RESULT ")) {
                    lines.add(line.substring(7));
                }
            }
        }
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.write(out, lines);
        System.out.println("wrote " + out);
    }

    static String measure(String name, int entries) throws Exception {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        byte[] value = Workload.valueOf(1);
        long base = settledHeap(mx);
        long rss0 = rss();
        long gc0 = gcCount(), gcMs0 = gcMillis();
        long t0 = System.nanoTime();
        KvStore store = Peers.open(name, entries);
        KvStore.Client c = store.client();
        c.setValue(value);
        for (long i = 0; i < entries; i++) {
            c.put(Workload.key(i));
        }
        long fillMs = (System.nanoTime() - t0) / 1_000_000;
        long gcs = gcCount() - gc0, gcMs = gcMillis() - gcMs0;
        if (store.size() != entries) {
            throw new IllegalStateException(name + ": size " + store.size() + " after " + entries + " puts");
        }
        long after = settledHeap(mx);
        long offHeap = store.offHeapBytes();
        long rss = rss() - rss0;
        long payload = (long) entries * (Long.BYTES + Workload.VALUE_SIZE);
        long retained = after - base;
        double perEntry = (double) (offHeap + retained) / entries;
        double overhead = (double) (offHeap + retained - payload) / entries;
        System.out.printf(Locale.ROOT, "%-10s %,d entries: off-heap %,d B, heap retained %,d B (baseline %,d), "
                        + "%.1f B/entry, overhead %.1f B/entry above %d B payload; fill %d ms, %d GCs %d ms; RSS growth %,d B%n",
                name, entries, offHeap, retained, base, perEntry, overhead, Long.BYTES + Workload.VALUE_SIZE, fillMs, gcs, gcMs, rss);
        Reference.reachabilityFence(store);
        store.close();
        return String.join(",", Peers.displayName(name), "" + entries, "" + Workload.VALUE_SIZE, "" + offHeap, "" + base,
                "" + after, "" + retained, "" + payload, String.format(Locale.ROOT, "%.2f", perEntry),
                String.format(Locale.ROOT, "%.2f", overhead), "" + fillMs, "" + gcs, "" + gcMs, "" + rss);
    }

    private static long settledHeap(MemoryMXBean mx) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return mx.getHeapMemoryUsage().getUsed();
    }

    /** Resident set size of this process, bytes (VmRSS), or -1 off Linux. */
    private static long rss() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
        }
        return n;
    }

    private static long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionTime());
        }
        return n;
    }
}
