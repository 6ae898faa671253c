package io.slabkv.bench.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Policy comparison by trace replay (issue 4): every trace, at a few byte budgets, through slabkv
 * with each of its eviction policies, an exact LRU and Caffeine; object hit ratio and byte hit ratio.
 *
 * <p><b>Same payload budget.</b> Exact LRU and Caffeine count only object bytes against the budget.
 * slabkv's memory limit also pays for its index, an 8-byte header and the 8-byte key per entry, chunk
 * rounding to its size classes, partly used pages, and the room between its watermarks. So each
 * slabkv policy gets {@code memoryLimit = index bytes + A}, with the index computed as the store
 * computes it and {@code A} found by bisection (replaying the whole trace each time) as the largest
 * allocator budget at which the object bytes the store holds, sampled through the run, never exceed
 * the payload budget ({@link Match#PEAK}, the default). slabkv then never holds more payload than its
 * peers at any sample; on average it holds somewhat less (the table shows how much). {@link Match#FORMULA}
 * instead gives {@code A = budget + 16 B x (budget / mean object size)}: index and per-entry headers
 * only, as a user might size it.
 *
 * <p><b>Determinism.</b> The store is shared, built with the background monitor off; its monitor runs
 * ({@code maintain()}) after every {@code maintainEvery} requests. Caffeine runs maintenance on the
 * caller and {@code cleanUp()} after every request.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar io.slabkv.bench.replay.PolicyReplay \
 *     [--traces DIR|FILE,...] [--budgets 0.05,0.2,0.5] [--max-requests N] [--maintain-every 1000]
 *     [--sample-every 250] [--sizes 100..1000] [--seed 42] [--page-size BYTES] [--match peak|formula]
 *     [--policies size-aware,sampled-lru,sampled-lfu,exact-lru,caffeine] [--out FILE]
 * </pre>
 */
public final class PolicyReplay {

    /** How slabkv's memory limit is set from the payload budget. */
    public enum Match { PEAK, FORMULA }

    /** The run's settings. */
    public record Config(List<Path> traces, double[] budgets, long maxRequests, int maintainEvery, int sampleEvery,
                         SizeModel sizes, int pageSize, Match match, Set<Policy> policies) {

        public static Config defaults(List<Path> traces) {
            return new Config(traces, new double[] {0.05, 0.20, 0.50}, 0, 1000, 250, new SizeModel(100, 1000, 42),
                    0, Match.PEAK, EnumSet.allOf(Policy.class));
        }
    }

    /** What slabkv was given and what it held. */
    public record SlabInfo(long memoryLimit, long indexBytes, long allocatorBytes, long expectedEntries, int pageSize,
                           double meanEntries, double meanChunkBytes, int replays, long failedPuts,
                           long evictedByMonitor, long evictedInline, long evictedByPageDrain) {
    }

    /** One line of the table. */
    public record Row(String trace, double fraction, long budget, Policy policy, Replayer.Counts counts,
                      SlabInfo slab) {

        public double objectHitRatio() {
            return counts.objectHitRatio();
        }

        public double byteHitRatio() {
            return counts.byteHitRatio();
        }
    }

    private final Config config;
    private final PrintStream log;

    public PolicyReplay(Config config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    /** Replays {@code trace} at every budget through every policy. */
    public List<Row> run(Trace trace) {
        List<Row> rows = new ArrayList<>();
        int pageSize = pageSize(trace);
        for (double fraction : config.budgets) {
            long budget = Math.max(1, Math.round(trace.footprint() * fraction));
            long maxCacheable = Math.min(budget, SlabKvSim.maxEntry(pageSize) - SlabKvSim.ENTRY_OVERHEAD);
            for (Policy p : config.policies) {
                Row row;
                if (p.slabkv()) {
                    row = slab(trace, fraction, budget, p, pageSize, maxCacheable);
                } else {
                    try (SimCache c = p == Policy.EXACT_LRU ? new ExactLru(budget) : new CaffeineSim(budget)) {
                        row = new Row(trace.name(), fraction, budget, p,
                                Replayer.run(trace, c, maxCacheable, config.sampleEvery), null);
                    }
                }
                log.printf(Locale.ROOT, "  %-14s %5.1f%% %-28s object %6.2f%%  byte %6.2f%%%s%n", trace.name(),
                        fraction * 100, p.label, row.objectHitRatio() * 100, row.byteHitRatio() * 100,
                        row.slab == null ? "" : String.format(Locale.ROOT,
                                "  (limit %.2fx budget, %d replays; held %.0f%%; evicted monitor %,d inline %,d page drain %,d)",
                                (double) row.slab.memoryLimit / budget, row.slab.replays,
                                100 * row.counts.meanPayload() / budget, row.slab.evictedByMonitor,
                                row.slab.evictedInline, row.slab.evictedByPageDrain));
                rows.add(row);
            }
        }
        return rows;
    }

    /** The most {@link #pageSize(Trace)} chooses: larger entries take runs of pages. */
    static final int MAX_PAGE = 64 << 10;

    /**
     * The page size for a trace: the smallest power of two from 4 KiB that holds its largest entry,
     * at most {@link #MAX_PAGE} (64 KiB). Each size class in use holds at least one partly carved page,
     * so under a small budget big pages strand memory: adapt_size_request at 5 % (13.4 MiB, about 45
     * classes in use) held 53 % of its budget on average with 1 MiB pages and 94 % with 64 KiB pages,
     * its entries above 64 KiB in runs of pages (bench/results/policy-replay-tuning.md, round 4).
     */
    int pageSize(Trace trace) {
        if (config.pageSize > 0) {
            return config.pageSize;
        }
        int page = 4096;
        while (page < MAX_PAGE && page < (long) trace.maxSize() + SlabKvSim.ENTRY_OVERHEAD) {
            page <<= 1;
        }
        return page;
    }

    /**
     * Entries the index is sized for: the most objects of the trace the budget can hold (its
     * smallest objects, as many as fit), so the index never limits what a policy keeps.
     */
    static long expectedEntries(Trace trace, long budget) {
        int[] sizes = trace.distinctSizes();
        long sum = 0;
        long n = 0;
        for (int s : sizes) { // ascending
            if (sum + s > budget) {
                break;
            }
            sum += s;
            n++;
        }
        return Math.max(64, n);
    }

    private record Eval(long allocatorBytes, Replayer.Counts counts, SlabInfo info) {
    }

    private Row slab(Trace trace, double fraction, long budget, Policy p, int pageSize, long maxCacheable) {
        long expected = expectedEntries(trace, budget);
        long resident = (long) Math.ceil(budget / Math.max(1, trace.meanSize()));
        long formula = Math.max(pageSize, budget + SlabKvSim.ENTRY_OVERHEAD * resident);
        int[] replays = {0};
        java.util.function.LongFunction<Eval> eval = a -> {
            replays[0]++;
            try (SlabKvSim s = new SlabKvSim(p.eviction, a, expected, pageSize, (int) Math.max(1, maxCacheable),
                    config.maintainEvery)) {
                Replayer.Counts c = Replayer.run(trace, s, maxCacheable, config.sampleEvery);
                long index = SlabKvSim.indexBytes(expected);
                var st = s.stats();
                return new Eval(a, c, new SlabInfo(index + a, index, a, expected, pageSize, s.meanEntries(),
                        s.meanChunkBytes(), replays[0], s.failedPuts(), st.evictionsPressure(), st.evictionsInline(),
                        st.evictionsPageRecycle()));
            }
        };
        Eval chosen;
        if (config.match == Match.FORMULA) {
            chosen = eval.apply(formula);
        } else {
            // Everything the trace asks for fits: no eviction, nothing to match above this.
            long ceiling = 2 * (trace.footprint() + SlabKvSim.ENTRY_OVERHEAD * trace.distinct()) + 64L * pageSize;
            Eval lo = null, hi = null;
            Eval e = eval.apply(formula);
            if (e.counts.peakPayload() <= budget) {
                lo = e;
                while (hi == null && lo.allocatorBytes < ceiling) {
                    e = eval.apply(Math.min(ceiling, lo.allocatorBytes + lo.allocatorBytes / 4 + pageSize));
                    if (e.counts.peakPayload() <= budget) {
                        lo = e;
                    } else {
                        hi = e;
                    }
                }
            } else {
                hi = e;
                while (lo == null) {
                    long a = Math.max(pageSize, hi.allocatorBytes - hi.allocatorBytes / 5);
                    e = eval.apply(a);
                    if (e.counts.peakPayload() <= budget || a == pageSize) {
                        lo = e;
                    } else {
                        hi = e;
                    }
                }
            }
            long tolerance = Math.max(budget / 256, 512);
            while (hi != null && hi.allocatorBytes - lo.allocatorBytes > tolerance) {
                e = eval.apply((lo.allocatorBytes + hi.allocatorBytes) >>> 1);
                if (e.counts.peakPayload() <= budget) {
                    lo = e;
                } else {
                    hi = e;
                }
            }
            chosen = lo;
        }
        SlabInfo i = chosen.info;
        return new Row(trace.name(), fraction, budget, p, chosen.counts, new SlabInfo(i.memoryLimit, i.indexBytes,
                i.allocatorBytes, i.expectedEntries, i.pageSize, i.meanEntries, i.meanChunkBytes, replays[0],
                i.failedPuts, i.evictedByMonitor, i.evictedInline, i.evictedByPageDrain));
    }

    // ------------------------------------------------------------------ report

    /** The markdown report: settings, the table, the slabkv memory table, and the targets. */
    public String markdown(List<Trace> traces, List<Row> rows, String command) {
        StringBuilder b = new StringBuilder();
        b.append("# Policy replay: slabkv eviction policies against exact LRU and Caffeine\n\n");
        if (command != null) {
            b.append("Produced by:\n\n```\n").append(command).append("\n```\n\n");
        }
        b.append(String.format(Locale.ROOT, "JDK %s (%s), %s %s, %s, %d CPUs, max heap %d MiB.%n%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"), System.getProperty("os.name"),
                System.getProperty("os.arch"), cpuModel(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20));
        b.append("## How\n\n");
        b.append("- Every request is a get; a hit is the object present at the requested size; a miss puts it "
                + "(a size change is a miss that replaces the object). Object hit % = hits / requests; byte hit % = "
                + "bytes of hits / bytes requested.\n");
        b.append(String.format(Locale.ROOT, "- Traces without sizes: %s, the same for every policy.%n", config.sizes));
        b.append("- Budget: a fraction of the trace's footprint (the bytes of all its distinct objects). Objects "
                + "larger than the budget, or than the largest value slabkv holds (a run of pages as long as one region: 4 MiB - 16 B), are "
                + "misses for every policy, not offered to any cache.\n");
        b.append(config.maxRequests > 0
                ? String.format(Locale.ROOT, "- The first %,d requests of each trace.%n", config.maxRequests)
                : "- Every request of every trace (no cap).\n");
        b.append("- Hit ratios do not depend on speed or machine load, but only exact LRU and slabkv's sampled LRU "
                + "repeat exactly: slabkv's size-aware and LFU policies bump their 4-bit frequency counters with "
                + "ThreadLocalRandom (and the limit bisection can then settle one step apart), and Caffeine admits "
                + "a candidate at random now and then (its hash-flooding guard). The smallest caches (a few hundred "
                + "entries) vary most from run to run.\n");
        b.append("- Exact LRU: a LinkedHashMap in access order, evicting the eldest until the object bytes fit the "
                + "budget. Caffeine " + caffeineVersion() + ": maximumWeight(budget), weigher = object size, "
                + "executor(Runnable::run), cleanUp() after every request.\n");
        b.append(String.format(Locale.ROOT, "- slabkv: the real store (shared, backgroundMonitor(false)), "
                + "maintain() after every %,d requests, default watermarks 0.90/0.85, growth factor 1.25, long keys "
                + "(8 B) and 8 B headers; page size the smallest power of two from 4 KiB that holds the trace's "
                + "largest entry, at most 64 KiB (larger entries take runs of consecutive pages); index sized for the most objects the budget can hold (the "
                + "trace's smallest objects, as many as fit).%n", config.maintainEvery));
        if (config.match == Match.PEAK) {
            b.append(String.format(Locale.ROOT, "- **Same payload budget.** slabkv's memory limit = its index "
                    + "(bytes computed as the store does: OffHeapIndex.bytesFor(expected), the buckets x 64 rounded up to 4 KiB) + A, where A is "
                    + "the largest allocator budget (bisection, each step a full replay, to within budget/256) "
                    + "at which the object bytes slabkv holds never exceed the payload budget at any sample "
                    + "(every %d requests, half a period out of step with maintain()). So slabkv never holds more "
                    + "payload than LRU or Caffeine at a sample; the 'held' column shows the mean (second half of the "
                    + "trace) and peak object bytes held as a %% of the budget for every cache. Its own overheads "
                    + "(index, headers and keys, chunk rounding, free chunks and page slack, watermark headroom) "
                    + "are what the limit pays for beyond the budget: see the second table.%n",
                    config.sampleEvery));
        } else {
            b.append("- slabkv's memory limit = index bytes (as the store computes them) + budget + 16 B x "
                    + "(budget / mean object size): index, headers and keys; chunk rounding, page slack and "
                    + "watermark headroom come out of the budget.\n");
        }
        b.append("\n## Traces\n\n| trace | read as | requests | distinct keys | footprint | slabkv page |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: |\n");
        for (Trace t : traces) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %s | %s |%n", t.name(), t.description(),
                    t.requests(), t.distinct(), bytes(t.footprint()), bytes(pageSize(t))));
        }
        b.append("\n## Hit ratios\n\n| trace | budget | policy | object hit % | byte hit % | held mean / peak |\n"
                + "| --- | ---: | --- | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %.0f%% / %.0f%% |%n", r.trace,
                    budget(r), r.policy.label, r.objectHitRatio() * 100, r.byteHitRatio() * 100,
                    100 * r.counts.meanPayload() / r.budget, 100.0 * r.counts.peakPayload() / r.budget));
        }
        if (rows.stream().anyMatch(r -> r.slab != null)) {
            b.append("\n## slabkv memory limits\n\nAs multiples of the payload budget; means over the samples of the "
                    + "trace's second half. free = limit - index - chunks in use: free chunks, unused and partly "
                    + "carved pages, room below the watermarks.\n\n"
                    + "| trace | budget | policy | limit | index | payload | headers+keys | chunk rounding | free | "
                    + "entries | replays |\n| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (Row r : rows) {
                if (r.slab == null) {
                    continue;
                }
                SlabInfo s = r.slab;
                double budget = r.budget;
                double payload = r.counts.meanPayload();
                double headers = SlabKvSim.ENTRY_OVERHEAD * s.meanEntries();
                double rounding = s.meanChunkBytes() - payload - headers;
                double free = s.allocatorBytes() - s.meanChunkBytes();
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %,.0f | %d |%n",
                        r.trace, budget(r), r.policy.label, s.memoryLimit() / budget, s.indexBytes() / budget,
                        payload / budget, headers / budget, rounding / budget, free / budget, s.meanEntries(),
                        s.replays()));
                if (s.failedPuts() > 0) {
                    b.append(String.format(Locale.ROOT, "|  |  | (%,d puts failed: MemoryLimitExceededException) "
                            + "| | | | | | | | |%n", s.failedPuts()));
                }
            }
        }
        b.append("\n## Targets\n\n");
        b.append(targets(rows));
        return b.toString();
    }

    /** The targets, point by point: size-aware against exact LRU and against Caffeine. */
    static String targets(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("| trace | budget | size-aware - exact LRU, object / byte (points) | size-aware - Caffeine, "
                + "object / byte (points) |\n| --- | ---: | ---: | ---: |\n");
        int points = 0, beatLruObject = 0, beatLruByte = 0, matchCaffeineByte = 0;
        for (Row sa : rows) {
            if (sa.policy != Policy.SIZE_AWARE) {
                continue;
            }
            Row lru = find(rows, sa, Policy.EXACT_LRU);
            Row caf = find(rows, sa, Policy.CAFFEINE);
            points++;
            String vsLru = "", vsCaf = "";
            if (lru != null) {
                double o = 100 * (sa.objectHitRatio() - lru.objectHitRatio());
                double y = 100 * (sa.byteHitRatio() - lru.byteHitRatio());
                beatLruObject += o >= 0 ? 1 : 0;
                beatLruByte += y >= 0 ? 1 : 0;
                vsLru = String.format(Locale.ROOT, "%+.2f / %+.2f", o, y);
            }
            if (caf != null) {
                double o = 100 * (sa.objectHitRatio() - caf.objectHitRatio());
                double y = 100 * (sa.byteHitRatio() - caf.byteHitRatio());
                matchCaffeineByte += y >= -0.5 ? 1 : 0;
                vsCaf = String.format(Locale.ROOT, "%+.2f / %+.2f", o, y);
            }
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", sa.trace, budget(sa), vsLru, vsCaf));
        }
        b.append(String.format(Locale.ROOT, "%nSize-aware at or above exact LRU: object hit ratio at %d of %d points, "
                + "byte hit ratio at %d of %d. Byte hit ratio within 0.5 points of Caffeine or above: %d of %d.%n",
                beatLruObject, points, beatLruByte, points, matchCaffeineByte, points));
        return b.toString();
    }

    private static Row find(List<Row> rows, Row like, Policy p) {
        for (Row r : rows) {
            if (r.policy == p && r.trace.equals(like.trace) && r.budget == like.budget) {
                return r;
            }
        }
        return null;
    }

    private static String budget(Row r) {
        return String.format(Locale.ROOT, "%s%% (%s)", trim(r.fraction * 100), bytes(r.budget));
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String bytes(long n) {
        if (n >= 10L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        }
        if (n >= 10L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return n + " B";
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "CPU model unknown";
    }

    /** Caffeine's version: from its manifest, its jar's name, or (in the shaded jar, which has neither) the parent pom. */
    private static String caffeineVersion() {
        Package p = com.github.benmanes.caffeine.cache.Caffeine.class.getPackage();
        if (p != null && p.getImplementationVersion() != null) {
            return p.getImplementationVersion();
        }
        try {
            String jar = com.github.benmanes.caffeine.cache.Caffeine.class.getProtectionDomain().getCodeSource()
                    .getLocation().getPath();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("caffeine-([0-9][^/]*)\\.jar$").matcher(jar);
            if (m.find()) {
                return m.group(1);
            }
            Path pom = Path.of("pom.xml");
            if (Files.isRegularFile(pom)) {
                m = java.util.regex.Pattern.compile("<caffeine.version>([^<]+)</caffeine.version>")
                        .matcher(Files.readString(pom));
                if (m.find()) {
                    return m.group(1) + " (caffeine.version in pom.xml)";
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown then
        }
        return "(version unknown)";
    }

    // ------------------------------------------------------------------ command line

    public static void main(String[] args) throws IOException {
        List<Path> traces = new ArrayList<>();
        Config d = Config.defaults(traces);
        double[] budgets = d.budgets();
        long maxRequests = d.maxRequests();
        int maintainEvery = d.maintainEvery(), sampleEvery = d.sampleEvery(), pageSize = d.pageSize();
        int minSize = d.sizes().min(), maxSize = d.sizes().max();
        long seed = d.sizes().seed();
        Match match = d.match();
        Set<Policy> policies = EnumSet.allOf(Policy.class);
        Path out = null;
        String tracesArg = "../shared/traces";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: PolicyReplay [--traces DIR|FILE,...] [--budgets 0.05,0.2,0.5] [--max-requests N]"
                        + " [--maintain-every N] [--sample-every N] [--sizes MIN..MAX] [--seed S] [--page-size BYTES]"
                        + " [--match peak|formula] [--policies size-aware,sampled-lru,sampled-lfu,exact-lru,caffeine]"
                        + " [--out FILE]");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--traces" -> tracesArg = v;
                case "--budgets" -> budgets = Arrays.stream(v.split(",")).mapToDouble(Double::parseDouble).toArray();
                case "--max-requests" -> maxRequests = Long.parseLong(v);
                case "--maintain-every" -> maintainEvery = Integer.parseInt(v);
                case "--sample-every" -> sampleEvery = Integer.parseInt(v);
                case "--sizes" -> {
                    String[] mm = v.split("\\.\\.");
                    minSize = Integer.parseInt(mm[0]);
                    maxSize = Integer.parseInt(mm[mm.length - 1]);
                }
                case "--seed" -> seed = Long.parseLong(v);
                case "--page-size" -> pageSize = Integer.parseInt(v);
                case "--match" -> match = Match.valueOf(v.toUpperCase(Locale.ROOT));
                case "--policies" -> {
                    policies = EnumSet.noneOf(Policy.class);
                    for (String s : v.split(",")) {
                        policies.add(Policy.valueOf(s.strip().toUpperCase(Locale.ROOT).replace('-', '_')));
                    }
                }
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        for (String t : tracesArg.split(",")) {
            Path p = Path.of(t);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.getFileName().toString().matches(".*\\.trace(\\.gz|\\.xz)?$")).sorted()
                            .forEach(traces::add);
                }
            } else {
                traces.add(p);
            }
        }
        Config config = new Config(traces, budgets, maxRequests, maintainEvery, sampleEvery,
                new SizeModel(minSize, maxSize, seed), pageSize, match, policies);
        PolicyReplay replay = new PolicyReplay(config, System.err);
        List<Trace> loaded = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        long start = System.nanoTime();
        for (Path p : traces) {
            Trace t = Trace.load(p, maxRequests, config.sizes());
            System.err.printf(Locale.ROOT, "%s: %,d requests, %,d distinct keys, footprint %s%n", t.name(),
                    t.requests(), t.distinct(), bytes(t.footprint()));
            loaded.add(t);
            rows.addAll(replay.run(t));
        }
        String command = "java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar "
                + PolicyReplay.class.getName() + (args.length == 0 ? "" : " " + String.join(" ", args));
        String md = replay.markdown(loaded, rows, command)
                + String.format(Locale.ROOT, "%nWall time %.0f s.%n", (System.nanoTime() - start) / 1e9);
        PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        stdout.print(md);
        stdout.flush();
        if (out != null) {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, md, StandardCharsets.UTF_8);
        }
    }
}
