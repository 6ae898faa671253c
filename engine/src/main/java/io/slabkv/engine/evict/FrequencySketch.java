package io.slabkv.engine.evict;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How often each key was written lately, whether or not the store still holds it: a count-min sketch
 * of 4-bit counters with periodic halving, after TinyLFU (Einziger, Friedman, Manes, "TinyLFU: A
 * Highly Efficient Cache Admission Policy", 2017), whose best-known form is Caffeine's frequency
 * sketch. An entry's header keeps its reads only while it lives; this keeps the history eviction
 * would otherwise throw away.
 *
 * <h2>What it counts</h2>
 * Writes only. A get must not touch shared memory beyond its entry, so the sketch never hears of
 * reads: those are in the entry's own access hint while it lives. In a cache-aside workload a write
 * of a key follows its miss, so the count of a key is its miss frequency: a key the cache keeps
 * evicting and fetching again climbs here, however short its stays. An evicted entry's read
 * frequency is written back ({@link #raise}), so the reads it had are not lost with it. The
 * admission window ({@link AdmissionWindow}) adds this to the header's count when a candidate
 * leaving the window duels the main region's victim.
 *
 * <h2>Counters</h2>
 * Like the entry's own counter (see {@link AccessClock}) a counter is logarithmic: an increment from
 * level {@code c} happens with probability {@code 2^-(c / 2)} (always below 2), so 15 stands for
 * several hundred events and a level here means the same as a level in an entry header. A key owns
 * one counter in each of the four pairs of words of one 64-byte block (a cache line):
 *
 * <pre>
 *  block (8 longs, 16 counters of 4 bits each)
 *  +--------+--------+--------+--------+--------+--------+--------+--------+
 *  | depth 0 pair    | depth 1 pair    | depth 2 pair    | depth 3 pair    |
 *  +--------+--------+--------+--------+--------+--------+--------+--------+
 *  word  = 2 * depth + (mixed hash bit depth), counter = 4 bits of the mixed hash per depth
 * </pre>
 *
 * The estimate is the smallest of the four (count-min); an increment raises only the counters at
 * that minimum (conservative update), so a key sharing counters with a hot one is overestimated
 * less. The block comes from the top 32 bits of the re-mixed key hash, the positions from its low
 * 20: the store's index takes its bucket and slot tag from the unmixed hash, so keys of one bucket do
 * not share a block.
 *
 * <h2>Aging</h2>
 * After {@link #halvingPeriod()} increments every counter is halved (one shift and mask per word), so the
 * history is of the last few store turnovers, not of all time. The store sets the period to
 * {@value #PERIOD_PER_ENTRY} increments per entry it holds ({@link #scaleTo}), from its first
 * eviction on. Until then the period is that of the entries the store is sized for: the store calls
 * {@link #scaleTo} only when it evicts, and a period of {@value #MIN_PERIOD} increments while it
 * filled halved every count about once per {@value #MIN_PERIOD} inserts, so every key written before
 * the first eviction entered the store's steady state at level 0, as if never seen (at 50 % of
 * lirs_multi3, 14 halvings in the first fill; see {@link AccessClock#freshInWindow} for the other
 * half of that fix).
 *
 * <h2>Concurrency</h2>
 * Counters are read and written with plain, racy loads and stores of the words of one {@code long[]}
 * allocated here: two threads raising counters of one word at once may lose one raise, and a halving
 * may lose (or undo) raises that run beside it. That only makes an estimate a little low or high; no
 * update can reach anything but this array, and no operation allocates. The increment count is racy
 * too (lost increments only delay a halving); one {@link AtomicBoolean} keeps two halvings from
 * running at once.
 */
public final class FrequencySketch {

    /** Longs per block: one 64-byte cache line holds all of a key's counters. */
    static final int BLOCK_LONGS = 8;
    /** Counters per block. */
    static final int BLOCK_COUNTERS = BLOCK_LONGS * 16;
    /** Sketch counters per expected entry: 4 per key of 4 bits, so about 4 bytes per expected entry. */
    static final int COUNTERS_PER_ENTRY = 8;
    /** The most blocks a sketch gets (2^21 blocks of 64 bytes: 128 MiB, for 32 million expected entries). */
    static final int MAX_BLOCKS = 1 << 21;
    /** Increments between halvings, per entry the store holds. */
    static final int PERIOD_PER_ENTRY = 10;
    /** The shortest halving period, for a store that holds very few entries. */
    static final int MIN_PERIOD = 256;
    public static final int MAX_LEVEL = 15;
    private static final long HALVE_MASK = 0x7777_7777_7777_7777L;

    private final long[] table;
    private final int blocks;
    private int increments; // racy: see the class comment
    private volatile int halvingPeriod;
    private final AtomicBoolean halving = new AtomicBoolean();

    /**
     * A sketch for a store sized for {@code expectedEntries} ({@value #COUNTERS_PER_ENTRY} counters,
     * about 4 bytes, per entry on the Java heap, at most {@value #MAX_BLOCKS} blocks of 64 bytes).
     */
    public FrequencySketch(long expectedEntries) {
        if (expectedEntries < 1) {
            throw new IllegalArgumentException("expected entries " + expectedEntries + " must be at least 1");
        }
        long wanted = (expectedEntries * COUNTERS_PER_ENTRY + BLOCK_COUNTERS - 1) / BLOCK_COUNTERS;
        this.blocks = (int) Math.max(1, Math.min(MAX_BLOCKS, wanted));
        this.table = new long[blocks * BLOCK_LONGS];
        this.halvingPeriod = periodFor(expectedEntries);
    }

    /** The halving period for a store holding {@code entries} entries. */
    private static int periodFor(long entries) {
        return (int) Math.min(Integer.MAX_VALUE / 2, Math.max(MIN_PERIOD, entries * PERIOD_PER_ENTRY));
    }

    /** Bytes of counters. */
    public long byteSize() {
        return (long) table.length * Long.BYTES;
    }

    /** Increments between halvings. */
    public int halvingPeriod() {
        return halvingPeriod;
    }

    /** Sets the halving period for a store holding {@code entries} entries. */
    public void scaleTo(long entries) {
        int p = periodFor(entries);
        int now = halvingPeriod;
        // Written only when it moves by more than a sixteenth: a put evicting at the limit calls this
        // each time, the entry count moves by one each time, and a volatile write is a fence and
        // takes the line from every thread that reads the period on its next insert.
        if (Math.abs(p - now) > now >> 4) {
            halvingPeriod = p;
        }
    }

    private static long mix(long hash) {
        long x = hash * 0x9E37_79B9_7F4A_7C15L;
        return x ^ (x >>> 29);
    }

    private int base(long x) {
        return (int) (((x >>> 32) * blocks) >>> 32) * BLOCK_LONGS;
    }

    private static int word(int base, long x, int depth) {
        return base + 2 * depth + (int) ((x >>> depth) & 1);
    }

    private static int shift(long x, int depth) {
        return (int) ((x >>> (4 + 4 * depth)) & 15) << 2;
    }

    /** The estimated level of the key with this hash, 0 to {@value #MAX_LEVEL}. */
    public int frequency(long hash) {
        long x = mix(hash);
        return level(base(x), x);
    }

    /** The smallest of the key's four counters (count-min). */
    private int level(int base, long x) {
        int min = MAX_LEVEL;
        for (int d = 0; d < 4; d++) {
            min = Math.min(min, (int) (table[word(base, x, d)] >>> shift(x, d)) & 15);
        }
        return min;
    }

    /**
     * Counts one write of the key with this hash: raises its lowest counters by one level with
     * probability {@code 2^-(level / 2)}. Returns the level after.
     */
    public int increment(long hash) {
        long x = mix(hash);
        int base = base(x);
        int min = level(base, x);
        if (min == MAX_LEVEL
                || (min >= 2 && (ThreadLocalRandom.current().nextInt() & ((1 << (min >> 1)) - 1)) != 0)) {
            return min;
        }
        for (int d = 0; d < 4; d++) {
            int w = word(base, x, d);
            int s = shift(x, d);
            long t = table[w];
            if (((t >>> s) & 15) == min) {
                table[w] = t + (1L << s);
            }
        }
        int n = increments + 1;
        increments = n;
        if (n >= halvingPeriod) {
            halve();
        }
        return min + 1;
    }

    /** Raises the key's counters to at least {@code level} (an evicted entry's frequency, written back). */
    public void raise(long hash, int level) {
        int to = Math.min(MAX_LEVEL, level);
        long x = mix(hash);
        int base = base(x);
        for (int d = 0; d < 4; d++) {
            int w = word(base, x, d);
            int s = shift(x, d);
            long t = table[w];
            if (((t >>> s) & 15) < to) {
                table[w] = (t & ~(15L << s)) | ((long) to << s);
            }
        }
    }

    /** Halves every counter, unless another thread is doing it. */
    void halve() {
        // The CAS publishes nothing: it only keeps two threads from halving at once (which would
        // quarter the counters). A thread that loses it goes on; the winner resets the count.
        if (!halving.compareAndSet(false, true)) {
            return;
        }
        try {
            for (int i = 0; i < table.length; i++) {
                table[i] = (table[i] >>> 1) & HALVE_MASK;
            }
            increments = 0;
        } finally {
            halving.set(false);
        }
    }
}
