package io.slabkv.bench.latency;

import io.slabkv.bench.store.KvStore;
import io.slabkv.bench.store.Peers;
import io.slabkv.bench.store.Workload;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Get latency the way a trading user measures it: open loop, at a fixed rate, coordinated omission
 * corrected.
 * <p>
 * One load thread issues gets of present keys (uniformly random, the {@link Workload} keys) on a
 * fixed schedule: get {@code i} is due at {@code start + i * 1e9 / rate} ns. The thread spins until
 * the get is due, issues it, and records {@code end - due}: when a get runs late (the store, a GC, the
 * OS or the previous get held it up), the wait counts, as it would for a request that arrived on time
 * (coordinated omission corrected). It also records {@code end - actual start}, the service time alone,
 * for contrast. One writer thread overwrites random present keys at a lower fixed average rate: it
 * parks until its next put is due and then issues every put that is due (at 100k/s that is a few per
 * wake-up; it does not spin, so it leaves CPU to the load thread and the store's own threads); its
 * puts' service time is recorded. Preload and warm-up are not measured; histograms are reset at the
 * start of measurement.
 * <p>
 * {@code main} with no store runs every store ({@link Peers#NAMES}) each in a fresh JVM with its JMH
 * flags and writes one CSV line per store to {@code --out} (default {@code bench/results/latency.csv}).
 * <pre>
 *   ./slabkv latency [--stores slabkv,chm,...] [--rate 1000000] [--writer-rate 100000]
 *                    [--entries 1000000] [--warmup 5] [--seconds 5] [--out bench/results/latency.csv]
 * </pre>
 * On a 2-core machine the load thread (spinning), the writer, the store's background threads (slabkv's
 * monitor), GC and JIT share two cores: a descheduled load thread shows up in the tail.
 */
public final class FixedRateLatency {

    static final String HEADER = "store,entries,rate,writer_rate,seconds,gets,achieved_rate,"
            + "p50_ns,p90_ns,p99_ns,p999_ns,p9999_ns,max_ns,"
            + "svc_p50_ns,svc_p99_ns,svc_p999_ns,svc_p9999_ns,svc_max_ns,"
            + "puts,put_p50_ns,put_p99_ns,put_p999_ns,put_max_ns,gc_count,gc_ms,loadavg";

    private FixedRateLatency() {
    }

    public static void main(String[] a) throws Exception {
        String stores = String.join(",", Peers.NAMES);
        String one = null;
        int entries = 1_000_000;
        long rate = 1_000_000, writerRate = 100_000;
        int warmup = 5, seconds = 5;
        Path out = Path.of("bench/results/latency.csv");
        for (int i = 0; i < a.length; i++) {
            switch (a[i]) {
                case "--stores" -> stores = a[++i];
                case "--one" -> one = a[++i];
                case "--rate" -> rate = Long.parseLong(a[++i]);
                case "--writer-rate" -> writerRate = Long.parseLong(a[++i]);
                case "--entries" -> entries = Integer.parseInt(a[++i]);
                case "--warmup" -> warmup = Integer.parseInt(a[++i]);
                case "--seconds" -> seconds = Integer.parseInt(a[++i]);
                case "--out" -> out = Path.of(a[++i]);
                default -> throw new IllegalArgumentException("unknown option " + a[i]
                        + "; options: --stores a,b --rate N --writer-rate N --entries N --warmup S --seconds S --out FILE");
            }
        }
        if (one != null) {
            System.out.println("RESULT " + measure(one, entries, rate, writerRate, warmup, seconds));
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (String s : stores.split(",")) {
            List<String> args = List.of("--one", s, "--rate", "" + rate, "--writer-rate", "" + writerRate,
                    "--entries", "" + entries, "--warmup", "" + warmup, "--seconds", "" + seconds);
            for (String line : Peers.runInFreshJvm(s, List.of(), FixedRateLatency.class.getName(), args)) {
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

    /** Measures one store in this JVM; returns its CSV line. */
    static String measure(String name, int entries, long rate, long writerRate, int warmup, int seconds)
            throws InterruptedException, IOException {
        String loadavg = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        try (KvStore store = Peers.open(name, entries)) {
            Workload.preloadAndCheck(store, store.client(), entries);
            Histogram corrected = new Histogram(60_000_000_000L, 3);
            Histogram service = new Histogram(60_000_000_000L, 3);
            Histogram puts = new Histogram(60_000_000_000L, 3);
            KvStore.Client reader = store.client();
            KvStore.Client writerClient = store.client();
            writerClient.setValue(Workload.valueOf(-1));
            long periodR = 1_000_000_000L / rate;
            double periodW = 1e9 / writerRate;

            // Warm-up: the same loops, results discarded; then measure with fresh histograms.
            long[] counts = new long[2];
            run(reader, writerClient, entries, periodR, periodW, warmup, new Histogram(60_000_000_000L, 3),
                    new Histogram(60_000_000_000L, 3), new Histogram(60_000_000_000L, 3), counts);
            long gcCount0 = gcCount(), gcMs0 = gcMillis();
            double elapsed = run(reader, writerClient, entries, periodR, periodW, seconds, corrected, service, puts, counts);
            long gcCount = gcCount() - gcCount0, gcMs = gcMillis() - gcMs0;
            long gets = corrected.getTotalCount();
            System.out.printf(Locale.ROOT, "%-10s %,d gets in %d s at %,d/s (achieved %,.0f/s), writer %,d/s (%,d puts); load %s%n",
                    name, gets, seconds, rate, gets / elapsed, writerRate, puts.getTotalCount(), loadavg);
            System.out.printf(Locale.ROOT, "  get, from intended start: p50 %d  p90 %d  p99 %d  p99.9 %d  p99.99 %d  max %d ns%n",
                    p(corrected, 50), p(corrected, 90), p(corrected, 99), p(corrected, 99.9), p(corrected, 99.99), corrected.getMaxValue());
            System.out.printf(Locale.ROOT, "  get, service time:        p50 %d  p99 %d  p99.9 %d  p99.99 %d  max %d ns%n",
                    p(service, 50), p(service, 99), p(service, 99.9), p(service, 99.99), service.getMaxValue());
            System.out.printf(Locale.ROOT, "  put, service time:        p50 %d  p99 %d  p99.9 %d  max %d ns; GC %d collections, %d ms%n",
                    p(puts, 50), p(puts, 99), p(puts, 99.9), puts.getMaxValue(), gcCount, gcMs);
            return String.join(",", Peers.displayName(name), "" + entries, "" + rate, "" + writerRate, "" + seconds,
                    "" + gets, String.format(Locale.ROOT, "%.0f", gets / elapsed),
                    "" + p(corrected, 50), "" + p(corrected, 90), "" + p(corrected, 99), "" + p(corrected, 99.9),
                    "" + p(corrected, 99.99), "" + corrected.getMaxValue(),
                    "" + p(service, 50), "" + p(service, 99), "" + p(service, 99.9), "" + p(service, 99.99),
                    "" + service.getMaxValue(),
                    "" + puts.getTotalCount(), "" + p(puts, 50), "" + p(puts, 99), "" + p(puts, 99.9), "" + puts.getMaxValue(),
                    "" + gcCount, "" + gcMs, loadavg);
        }
    }

    private static long p(Histogram h, double pct) {
        return h.getValueAtPercentile(pct);
    }

    /**
     * One phase: the writer on its own thread, the load loop on this one, for {@code seconds} of
     * schedule; returns the seconds from the first get's due time to the last get's end (longer than
     * the schedule when the load thread fell behind it).
     */
    private static double run(KvStore.Client reader, KvStore.Client writer, int entries, long periodR, double periodW,
                            int seconds, Histogram corrected, Histogram service, Histogram puts, long[] sink)
            throws InterruptedException {
        long start = System.nanoTime() + 1_000_000;
        long end = start + seconds * 1_000_000_000L;
        Thread w = new Thread(() -> {
            long rnd = 0x9E3779B97F4A7C15L;
            long n = 0;
            while (true) {
                long due = start + (long) (n * periodW);
                long now = System.nanoTime();
                if (due >= end) {
                    break;
                }
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                    continue;
                }
                rnd ^= rnd << 13;
                rnd ^= rnd >>> 7;
                rnd ^= rnd << 17;
                long t0 = System.nanoTime();
                writer.put(Workload.key(((rnd >>> 32) * entries) >>> 32));
                puts.recordValue(System.nanoTime() - t0);
                n++;
            }
        }, "writer");
        w.setDaemon(true);
        w.start();
        long rnd = 0x2545F4914F6CDD1DL;
        long hits = 0;
        for (long i = 0; ; i++) {
            long due = start + i * periodR;
            if (due >= end) {
                break;
            }
            long t0;
            while ((t0 = System.nanoTime()) < due) {
                Thread.onSpinWait();
            }
            rnd ^= rnd << 13;
            rnd ^= rnd >>> 7;
            rnd ^= rnd << 17;
            int len = reader.get(Workload.key(((rnd >>> 32) * entries) >>> 32));
            long t1 = System.nanoTime();
            corrected.recordValue(t1 - due);
            service.recordValue(t1 - t0);
            hits += len;
        }
        long last = System.nanoTime();
        w.join();
        sink[0] += hits;
        return (last - start) / 1e9;
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
