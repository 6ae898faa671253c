package io.slabkv.bench.cli;

import io.slabkv.SlabKV;
import io.slabkv.arena.SlabAllocator;
import java.util.Locale;
import java.util.Set;

/**
 * The settings of {@code slabkv run}, parsed and checked.
 *
 * @param keys           distinct keys ({@code long}s 0 to keys - 1), all preloaded
 * @param minValue       smallest value in bytes
 * @param maxValue       largest value in bytes (equal to {@code minValue} for a fixed size)
 * @param readRatio      share of operations that are gets; the rest are puts
 * @param threads        worker threads
 * @param durationNanos  how long the measured phase runs
 * @param limit          the store's memory limit in bytes
 * @param ttlNanos       TTL of every put, 0 for none
 * @param distribution   how keys are drawn
 * @param zipfTheta      skew of the Zipf distribution
 * @param confined       a confined store (one thread builds and uses it)
 * @param pageSource     {@code arena} or {@code mmap}
 * @param seed           seed of every random choice
 */
record RunOptions(long keys, int minValue, int maxValue, double readRatio, int threads, long durationNanos,
                  long limit, long ttlNanos, Distribution distribution, double zipfTheta, boolean confined,
                  String pageSource, long seed) {

    enum Distribution { ZIPF, UNIFORM }

    /** The largest entry: a run of pages as long as one region (the default 4 MiB). */
    static final int MAX_ENTRY = (int) SlabAllocator.Builder.DEFAULT_REGION_BYTES;
    /** Entry header bytes, as {@code SlabKV}'s javadoc states them: 8, or 16 with a TTL. */
    static final int HEADER = 8, TTL_HEADER = 16;
    static final int KEY_BYTES = Long.BYTES;
    static final long MAX_KEYS = 1L << 40;
    static final int MAX_THREADS = 1024;

    static final Set<String> VALUED = Set.of("keys", "value-size", "read-ratio", "threads", "duration", "limit",
            "ttl", "distribution", "zipf-theta", "page-source", "seed");
    static final Set<String> FLAGS = Set.of("confined");

    static final String USAGE = """
            Usage: slabkv run [options]

            Runs a workload against an off-heap store: preloads every key, then runs gets and puts
            for a while, printing a line every second (throughput, hit ratio, latency percentiles,
            memory, GC) and a summary at the end. Ctrl-C stops early and still prints the summary.

            Options (defaults in brackets):
              --keys N              distinct long keys, all preloaded first  [1,000,000]
              --value-size N|A..B   value bytes: fixed, or uniform in A..B per put  [100]
              --read-ratio R        share of gets, 0..1 or a percentage; the rest are puts  [0.9]
              --threads N           worker threads  [2; 1 with --confined]
              --duration D          measured time: 20s, 500ms, 2m  [20s]
              --limit SIZE          memory limit, index and pages together: 64MiB, 1GiB, 2GB  [1GiB]
              --ttl D|off           TTL of every put  [off]
              --distribution zipf|uniform
                                    how keys are drawn  [zipf]
              --zipf-theta T        Zipf skew, between 0 and 1 exclusive  [0.99]
              --confined            a confined store: one thread builds and uses it
              --page-source arena|mmap
                                    where pages come from: shared/confined Arenas, or mmap
                                    through the native module  [arena]
              --seed N              seed of every random choice  [42]
              -h, --help            this text

            Sizes take B, KiB/K, MiB/M, GiB/G (x1024) or KB, MB, GB (x1000). Latencies are measured
            around each call with System.nanoTime, so they include the timer's own cost (~20 ns).
            A limit below what the keys need makes the store evict (its default policy): the hit
            ratio falls below 1 and the evictions column counts them.
            """;

    static final RunOptions DEFAULTS = new RunOptions(1_000_000, 100, 100, 0.9, 2, 20_000_000_000L, Units.GIB, 0,
            Distribution.ZIPF, 0.99, false, "arena", 42);

    static RunOptions parse(Args a) throws UsageException {
        if (!a.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positionals().getFirst() + "'");
        }
        RunOptions d = DEFAULTS;
        long keys = a.has("keys") ? Units.count("keys", a.get("keys", null)) : d.keys;
        if (keys < 1 || keys > MAX_KEYS) {
            throw new UsageException("--keys " + a.get("keys", "") + " must be between 1 and " + Units.count(MAX_KEYS));
        }

        long ttl = 0;
        String ttlText = a.get("ttl", "off").strip();
        if (!ttlText.equalsIgnoreCase("off") && !ttlText.equalsIgnoreCase("none")) {
            ttl = Units.durationNanos("ttl", ttlText);
            if (ttl <= 0) {
                throw new UsageException("--ttl " + ttlText + " must be positive (or 'off')");
            }
        }

        int[] range = valueSizes("value-size", a.get("value-size", null), d.minValue, ttl > 0);

        double readRatio = a.has("read-ratio") ? Units.ratio("read-ratio", a.get("read-ratio", null)) : d.readRatio;

        boolean confined = a.flag("confined");
        int threads;
        if (a.has("threads")) {
            long t = Units.count("threads", a.get("threads", null));
            if (t < 1 || t > MAX_THREADS) {
                throw new UsageException("--threads " + a.get("threads", "") + " must be between 1 and " + MAX_THREADS);
            }
            threads = (int) t;
            if (confined && threads != 1) {
                throw new UsageException("--confined runs on one thread: --threads " + threads + " is not allowed"
                        + " with it");
            }
        } else {
            threads = confined ? 1 : d.threads;
        }

        long duration = d.durationNanos;
        if (a.has("duration")) {
            duration = Units.durationNanos("duration", a.get("duration", null));
            if (duration <= 0) {
                throw new UsageException("--duration " + a.get("duration", "") + " must be positive");
            }
        }

        long limit = a.has("limit") ? Units.size("limit", a.get("limit", null)) : d.limit;
        // The store sets no page size: its page is the default for the limit (64 KiB to 1 MiB), no
        // longer a fixed 1 MiB, which refused limits the store takes (512 KiB, say).
        int page = SlabKV.Builder.defaultPageSize(limit);
        if (limit < page) {
            throw new UsageException("--limit " + a.get("limit", "") + " is smaller than one page ("
                    + Units.bytes(page) + "): the store needs at least a page beside its index");
        }

        Distribution distribution = d.distribution;
        if (a.has("distribution")) {
            String text = a.get("distribution", null).strip().toLowerCase(Locale.ROOT);
            distribution = switch (text) {
                case "zipf", "zipfian" -> Distribution.ZIPF;
                case "uniform" -> Distribution.UNIFORM;
                default -> throw new UsageException("--distribution '" + a.get("distribution", null)
                        + "' must be zipf or uniform");
            };
        }

        double theta = d.zipfTheta;
        if (a.has("zipf-theta")) {
            theta = Units.real("zipf-theta", a.get("zipf-theta", null));
            if (!(theta > 0 && theta < 1)) {
                throw new UsageException("--zipf-theta " + a.get("zipf-theta", "") + " must be between 0 and 1,"
                        + " exclusive (0.99 is the usual skew)");
            }
        }

        String pageSource = pageSource(a.get("page-source", d.pageSource));

        long seed = a.has("seed") ? Units.integer("seed", a.get("seed", null)) : d.seed;

        return new RunOptions(keys, range[0], range[1], readRatio, threads, duration, limit, ttl, distribution,
                theta, confined, pageSource, seed);
    }

    static String pageSource(String text) throws UsageException {
        String s = text.strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "arena" -> s;
            case "mmap" -> s;
            default -> throw new UsageException("--page-source '" + text + "' must be arena or mmap");
        };
    }

    /**
     * A value size, {@code N} or {@code A..B}; each at most what fits the largest entry (one region)
     * beside the key and the header.
     *
     * @return {@code {min, max}}
     */
    static int[] valueSizes(String option, String text, int fallback, boolean ttl) throws UsageException {
        if (text == null) {
            return new int[] {fallback, fallback};
        }
        long max = maxValue(ttl);
        int dots = text.indexOf("..");
        long lo, hi;
        if (dots < 0) {
            lo = hi = Units.size(option, text);
        } else {
            lo = Units.size(option, text.substring(0, dots));
            hi = Units.size(option, text.substring(dots + 2));
            if (lo > hi) {
                throw new UsageException("--" + option + " " + text + " is an empty range: " + lo + " > " + hi);
            }
        }
        if (hi > max) {
            throw new UsageException("--" + option + " " + text + " is too large: a value must fit the largest entry ("
                    + Units.bytes(MAX_ENTRY) + ", a run of pages as long as one region) with its " + KEY_BYTES + "-byte key and " + (ttl ? TTL_HEADER : HEADER)
                    + "-byte header, so at most " + Units.count(max) + " bytes");
        }
        return new int[] {(int) lo, (int) hi};
    }

    static long maxValue(boolean ttl) {
        return MAX_ENTRY - KEY_BYTES - (ttl ? TTL_HEADER : HEADER);
    }

    String valueDescription() {
        return minValue == maxValue ? Units.bytes(minValue) : Units.count(minValue) + ".." + Units.count(maxValue)
                + " B (uniform)";
    }

    String distributionDescription() {
        return distribution == Distribution.ZIPF ? String.format(Locale.ROOT, "zipf %.2f", zipfTheta) : "uniform";
    }
}
