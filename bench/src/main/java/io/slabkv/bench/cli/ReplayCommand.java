package io.slabkv.bench.cli;

import io.slabkv.MemoryLimitExceededException;
import io.slabkv.SlabKV;
import io.slabkv.StoreStats;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

/**
 * {@code slabkv replay}: two passes over a trace. The first counts requests and distinct keys and
 * the bytes every object needs, to size the store's index and (by default) its budget; the second
 * replays it: each request is a get; a hit counts the object's bytes as hit bytes; a miss (the key
 * absent, or stored with another size) puts the object.
 *
 * <p>The store is confined to the calling thread; the replay is single-threaded, as a trace is a
 * sequence.
 */
final class ReplayCommand {

    /** Index bytes per expected entry, a little over the engine's ~10.7. */
    private static final long INDEX_BYTES_PER_ENTRY = 16;
    private static final long SLACK_PAGES = 64;
    private static final long SLACK_BYTES = 64L << 20;
    private static final int CHECK_EVERY = 4096;

    private final ReplayOptions o;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private final long maxValue;

    ReplayCommand(ReplayOptions o, PrintStream out, PrintStream err, boolean interactive) {
        this.o = o;
        this.out = out;
        this.err = err;
        this.interactive = interactive;
        this.maxValue = ReplayOptions.maxValue(o.pageSize());
    }

    /** The figures of a replay. */
    record Result(String description, long requests, long distinct, long hits, long misses, long firstMisses,
                  long sizeChangeMisses, long tooLargeMisses, long bytesRequested, long bytesHit, long budget,
                  boolean defaultBudget, StoreStats stats, long nanos) {

        double objectHitRatio() {
            return requests == 0 ? Double.NaN : (double) hits / requests;
        }

        double byteHitRatio() {
            return bytesRequested == 0 ? Double.NaN : (double) bytesHit / bytesRequested;
        }
    }

    /** What the first pass learns. */
    private record Scan(String description, boolean sized, long requests, KeySizeMap keys, long dataBytes) {
    }

    Result execute() throws CommandException {
        Scan scan = scan();
        long distinct = scan.keys.size();
        long footprint = footprint(distinct, scan.dataBytes);
        long budget = o.budget() > 0 ? o.budget() : footprint;
        int page = pageFor(budget);
        out.printf(Locale.ROOT, "slabkv replay: %s (%s), %s requests, %s distinct keys%n", o.trace().getFileName(),
                scan.description, Units.count(scan.requests), Units.count(distinct));
        out.printf(Locale.ROOT, "  values      %s%n", scan.sized ? "the trace's object sizes"
                : o.minValue() == o.maxValue() ? Units.bytes(o.minValue()) + " for every key (the trace has no sizes)"
                : Units.count(o.minValue()) + ".." + Units.count(o.maxValue()) + " B per key, uniform, seed " + o.seed()
                        + " (the trace has no sizes)");
        out.printf(Locale.ROOT, "  budget      %s%s; page %s%n", Units.bytes(budget),
                o.budget() > 0 ? "" : " (default: room for every object of the trace)", Units.bytes(page));
        out.flush();

        SlabKV kv;
        try {
            kv = PageSources.builder("arena", true, budget, Math.max(1, distinct)).pageSize(page).build();
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage(), Main.EXIT_USAGE);
        }
        try (kv; Arena arena = Arena.ofConfined()) {
            return replay(kv, arena, scan, budget, footprint);
        }
    }

    /** The page size of the store for {@code budget}: --page-size, or the store's default for that limit. */
    int pageFor(long budget) {
        return o.pageSize() > 0 ? o.pageSize() : SlabKV.Builder.defaultPageSize(budget);
    }

    /** Budget that holds every object: index, chunks (rounded up to their size class), and slack for partly used pages. */
    long footprint(long distinct, long dataBytes) {
        long bytes = INDEX_BYTES_PER_ENTRY * distinct + 4096 + dataBytes + dataBytes / 4 + SLACK_BYTES;
        // Slack pages of the page the store will have: the default grows with the budget, so take
        // it for the budget with slack pages of 1 MiB, the largest default (never too little).
        bytes += SLACK_PAGES * (long) pageFor(bytes + SLACK_PAGES * (long) SlabKV.Builder.MAX_DEFAULT_PAGE);
        return (bytes + Units.MIB - 1) / Units.MIB * Units.MIB;
    }

    private Scan scan() throws CommandException {
        KeySizeMap keys = new KeySizeMap();
        long total = fileSize();
        try (TraceReader r = TraceReader.open(o.trace(), o.format())) {
            Progress p = new Progress(err, interactive, "scanning ", total);
            boolean sized = r.hasSizes();
            long n = 0;
            while ((o.maxRequests() == 0 || n < o.maxRequests()) && r.next()) {
                n++;
                keys.putMax(r.key(), sized ? r.size() : valueSize(r.key()));
                if (n % CHECK_EVERY == 0) {
                    p.update(r.fileBytesRead(), Units.count(n) + " requests");
                }
            }
            p.finish();
            long[] data = {0};
            keys.forEachSize(size -> {
                if (size <= maxValue) {
                    data[0] += (RunOptions.HEADER + RunOptions.KEY_BYTES + size + 7) & ~7L;
                }
            });
            return new Scan(r.description(), sized, n, keys, data[0]);
        } catch (IOException e) {
            throw traceError(e);
        }
    }

    private Result replay(SlabKV kv, Arena arena, Scan scan, long budget, long footprint) throws CommandException {
        MemorySegment value = arena.allocate(Math.max(maxValue, 1), 8);
        for (long i = 0; i < value.byteSize(); i++) {
            value.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
        }
        MemorySegment dst = arena.allocate(Math.max(maxValue, 1), 8);
        KeySizeMap keys = scan.keys;
        long hits = 0, misses = 0, first = 0, changed = 0, tooLarge = 0, bytesRequested = 0, bytesHit = 0, n = 0;
        long start = System.nanoTime();
        try (TraceReader r = TraceReader.open(o.trace(), o.format())) {
            Progress p = new Progress(err, interactive, "replaying", fileSize());
            boolean sized = r.hasSizes();
            while ((o.maxRequests() == 0 || n < o.maxRequests()) && r.next()) {
                n++;
                long key = r.key();
                long size = sized ? r.size() : valueSize(key);
                bytesRequested += size;
                boolean seen = keys.mark(key);
                if (size > maxValue) {
                    misses++;
                    tooLarge++;
                } else {
                    int found = kv.get(key, dst);
                    if (found == size) {
                        hits++;
                        bytesHit += size;
                    } else {
                        misses++;
                        if (found != SlabKV.MISS) {
                            changed++;
                        } else if (!seen) {
                            first++;
                        }
                        try {
                            kv.put(key, value.asSlice(0, size));
                        } catch (MemoryLimitExceededException e) {
                            p.finish();
                            throw new CommandException("budget " + Units.bytes(budget) + " is below this trace's"
                                    + " footprint, which needs eviction, and the store could not make room at request "
                                    + Units.count(n) + " of " + Units.count(scan.requests) + " (" + e.getMessage()
                                    + "): run without --budget (the default, " + Units.bytes(footprint)
                                    + ", holds the whole trace) or with a larger one", Main.EXIT_USAGE);
                        }
                    }
                }
                if (n % CHECK_EVERY == 0) {
                    p.update(r.fileBytesRead(), String.format(Locale.ROOT, "%s requests  hit ratio %s",
                            Units.count(n), Units.ratio((double) hits / n)));
                }
            }
            p.finish();
        } catch (IOException e) {
            throw traceError(e);
        }
        long nanos = System.nanoTime() - start;
        Result result = new Result(scan.description, n, keys.size(), hits, misses, first, changed, tooLarge,
                bytesRequested, bytesHit, budget, o.budget() == 0, kv.stats(), nanos);
        print(result);
        return result;
    }

    private void print(Result r) {
        out.printf(Locale.ROOT, "replayed %s requests in %.2f s (%s requests/s, trace reading included)%n",
                Units.count(r.requests), r.nanos / 1e9, Units.count((long) (r.requests / Math.max(r.nanos / 1e9, 1e-9))));
        out.printf(Locale.ROOT, "  hits        %s%n", Units.count(r.hits));
        long other = r.misses - r.firstMisses - r.sizeChangeMisses - r.tooLargeMisses;
        out.printf(Locale.ROOT, "  misses      %s: %s first requests of a key, %s size changes, %s too large to"
                        + " cache, %s others (evicted or expired)%n", Units.count(r.misses),
                Units.count(r.firstMisses), Units.count(r.sizeChangeMisses), Units.count(r.tooLargeMisses),
                Units.count(other));
        out.printf(Locale.ROOT, "  object hit ratio  %s%n", Units.ratio(r.objectHitRatio()));
        out.printf(Locale.ROOT, "  byte hit ratio    %s  (%s hit of %s requested)%n", Units.ratio(r.byteHitRatio()),
                Units.bytes(r.bytesHit), Units.bytes(r.bytesRequested));
        if (r.tooLargeMisses > 0) {
            out.printf(Locale.ROOT, "  %s requests were for objects over %s bytes, the largest entry (one region"
                    + " of %s pages)%n", Units.count(r.tooLargeMisses), Units.count(maxValue),
                    Units.bytes(pageFor(r.budget)));
        }
        out.printf(Locale.ROOT, "  %s%n", RunCommand.memory(r.stats).replaceFirst("^memory ", "memory      "));
        out.printf(Locale.ROOT, "  %s%n", RunCommand.evictions(r.stats).replaceFirst("^evictions ", "evictions   "));
        out.flush();
    }

    /** The value size of a key in a trace without sizes: fixed, or drawn from the range by a seeded hash. */
    long valueSize(long key) {
        int span = o.maxValue() - o.minValue();
        if (span == 0) {
            return o.minValue();
        }
        return o.minValue() + Math.unsignedMultiplyHigh(SplitMix.mix(key ^ SplitMix.mix(o.seed())), span + 1L);
    }

    private long fileSize() {
        try {
            return java.nio.file.Files.size(o.trace());
        } catch (IOException e) {
            return 0;
        }
    }

    private CommandException traceError(IOException e) {
        String m = e.getMessage() != null ? e.getMessage() : e.toString();
        return new CommandException("cannot read trace '" + o.trace() + "': " + m, Main.EXIT_USAGE);
    }
}
