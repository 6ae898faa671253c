package io.slabkv.bench.cli;

import io.slabkv.SlabKV;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The settings of {@code slabkv replay}, parsed and checked.
 *
 * @param trace        the trace file
 * @param format       its record format, or AUTO
 * @param budget       the store's memory limit in bytes; 0 for "enough for the whole trace"
 * @param minValue     value bytes for traces without sizes: smallest
 * @param maxValue     largest (a size per key is drawn from min..max by a seeded hash of the key)
 * @param pageSize     the store's page size; 0 for the store's default for the budget
 * @param maxRequests  replay at most this many requests; 0 for all
 * @param seed         seed of the per-key value sizes
 */
record ReplayOptions(Path trace, TraceReader.Format format, long budget, int minValue, int maxValue, int pageSize,
                     long maxRequests, long seed) {

    static final int MIN_PAGE = 4096;
    static final int MAX_PAGE = 1 << 30;

    static final Set<String> VALUED = Set.of("budget", "format", "value-size", "page-size", "requests", "seed");
    static final Set<String> FLAGS = Set.of();

    static final String USAGE = """
            Usage: slabkv replay [options] TRACE

            Replays a cache access trace through a store at a byte budget: each request is a get;
            a miss puts the object. Prints the object hit ratio and the byte hit ratio. Reads gzip
            or xz (or plain) files: text with a key per line, text 'time id size' lines, or binary
            big-endian int32 keys (the formats of ../shared/traces; told from the content).

            Options (defaults in brackets):
              --budget SIZE         memory limit of the store, index and pages together
                                    [enough for every object of the trace]
              --value-size N|A..B   value bytes for traces without sizes; a range draws one size
                                    per key from a seeded hash  [100]
              --format F            auto, keys, int32 or time-id-size  [auto]
              --page-size SIZE      store page size, a power of two; larger objects take runs of
                                    pages, up to one region (4 MiB, or the page if larger)
                                    [the store's default: a 256th of the budget, 64KiB..1MiB]
              --requests N          replay only the first N requests  [all]
              --seed N              seed of the per-key value sizes  [42]
              -h, --help            this text

            A budget below the trace's footprint makes the store evict (inline, when a put meets
            the limit; its default policy); if it cannot make room, the replay stops with a
            message. Objects larger than the largest entry are not cached and count as misses.
            """;

    static ReplayOptions parse(Args a) throws UsageException {
        if (a.positionals().isEmpty()) {
            throw new UsageException("missing TRACE: the trace file to replay (for example ../shared/traces/"
                    + "lirs_sprite.trace.gz)");
        }
        if (a.positionals().size() > 1) {
            throw new UsageException("unexpected argument '" + a.positionals().get(1) + "': replay takes one TRACE");
        }
        Path trace = Path.of(a.positionals().getFirst());
        if (!Files.exists(trace)) {
            throw new UsageException("trace file '" + trace + "' does not exist");
        }
        if (!Files.isRegularFile(trace) || !Files.isReadable(trace)) {
            throw new UsageException("trace '" + trace + "' is not a readable file");
        }
        TraceReader.Format format = TraceReader.Format.parse("format", a.get("format", "auto"));

        int pageSize = 0; // the store's default for the budget (SlabKV.Builder.defaultPageSize)
        if (a.has("page-size")) {
            long p = Units.size("page-size", a.get("page-size", null));
            if (p < MIN_PAGE || p > MAX_PAGE || Long.bitCount(p) != 1) {
                throw new UsageException("--page-size " + a.get("page-size", "") + " must be a power of two from "
                        + Units.bytes(MIN_PAGE) + " to " + Units.bytes(MAX_PAGE));
            }
            pageSize = (int) p;
        }

        long budget = 0;
        if (a.has("budget")) {
            budget = Units.size("budget", a.get("budget", null));
            int page = pageSize > 0 ? pageSize : SlabKV.Builder.defaultPageSize(budget);
            if (budget < page) {
                throw new UsageException("--budget " + a.get("budget", "") + " is smaller than one page ("
                        + Units.bytes(page) + ")");
            }
        }

        int[] values = {100, 100};
        if (a.has("value-size")) {
            String text = a.get("value-size", null);
            int dots = text.indexOf("..");
            long lo = Units.size("value-size", dots < 0 ? text : text.substring(0, dots));
            long hi = dots < 0 ? lo : Units.size("value-size", text.substring(dots + 2));
            if (lo > hi) {
                throw new UsageException("--value-size " + text + " is an empty range: " + lo + " > " + hi);
            }
            long max = maxValue(pageSize);
            if (hi > max) {
                throw new UsageException("--value-size " + text + " is too large: a value must fit the largest entry ("
                        + Units.bytes(max + RunOptions.KEY_BYTES + RunOptions.HEADER)
                        + ", one region of pages) with its key and header, so at most " + Units.count(max)
                        + " bytes");
            }
            values = new int[] {(int) lo, (int) hi};
        }

        long requests = 0;
        if (a.has("requests")) {
            requests = Units.count("requests", a.get("requests", null));
            if (requests < 1) {
                throw new UsageException("--requests " + a.get("requests", "") + " must be at least 1");
            }
        }
        long seed = a.has("seed") ? Units.integer("seed", a.get("seed", null)) : 42;
        return new ReplayOptions(trace, format, budget, values[0], values[1], pageSize, requests, seed);
    }

    /**
     * The largest value beside an 8-byte key and an 8-byte header in the largest entry: one region,
     * the default 4 MiB or the page if larger ({@code pageSize} 0, the store's default page, is never
     * larger below a 1 TiB budget).
     */
    static long maxValue(int pageSize) {
        return Math.max(RunOptions.MAX_ENTRY, pageSize) - RunOptions.KEY_BYTES - RunOptions.HEADER;
    }
}
