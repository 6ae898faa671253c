package io.slabkv.engine.evict;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The eviction clock and the per-entry access hint it feeds.
 *
 * <p>The clock counts <em>eviction rounds</em>, not time: it advances once per {@link #period()}
 * evictions. So an entry's age says how much of the cache has turned over since it was last read,
 * which is what a replacement decision needs, whether the store turns over in a second or a day.
 *
 * <pre>
 *  access hint (16 bits, in the entry header)
 *  15      12  11  10                 0
 *  +---------+---+--------------------+
 *  | freq:4  | W | tick: clock mod 2048|
 *  +---------+---+--------------------+
 * </pre>
 *
 * {@code W} marks an entry still in the admission window (see {@link AdmissionWindow}): set when a
 * store with a window writes a new entry, cleared when the entry is admitted to the main region. A
 * read keeps it as it is. It took the top bit of the tick, which now wraps after 2048 ticks (eight
 * turnovers of the store) instead of 4096: an entry unread that long is long gone from any store at
 * its limit, and {@link #decayedFrequency} has halved its count by then.
 *
 * {@code freq} is a logarithmic counter: a counted access bumps it with probability
 * {@code 2^-(freq / 2)}, so it saturates near 500 counted accesses. A get counts an entry's first
 * two reads and then its first read in each tick ({@link #needsTouch}), so a hot entry writes its
 * header at most once a tick and not at all while the store does not evict.
 * {@link #decayedFrequency} halves it for every {@value #DECAY_TICKS} ticks of age at evaluation
 * time, so decay needs no writes.
 */
public final class AccessClock {

    public static final int TICK_MASK = 0x7FF;
    /** The admission-window bit. */
    public static final int WINDOW = 0x800;
    public static final int MAX_FREQ = 15;
    /**
     * Ticks of age that halve a frequency: four turnovers of the store. It was 32, an eighth of a
     * turnover, so a frequency was mostly forgotten before the entry's next reads came. Replaying
     * the traces of {@code ../shared/traces} (bench/results/policy-replay-tuning.md), 128 and more raised
     * the size-aware hit ratio on the LIRS multi traces by up to 5 points; 512 to 4096 measure alike.
     */
    public static final int DECAY_TICKS = 1024;
    /** The clock ticks this many times while evictions turn over as many entries as the store holds. */
    public static final int TICKS_PER_TURNOVER = 256;
    /**
     * The fewest evictions per tick. It was 16, which made a store of under 4,096 entries tick fewer
     * than 256 times a turnover, so the ages the policies weigh meant more turnover in small stores
     * than in large ones. A tick is also when a read writes its entry's header again; in a store that
     * small that costs nothing worth saving.
     */
    public static final int MIN_PERIOD = 1;

    // tick and period are read by every get (needsTouch) and every eviction, and written rarely:
    // once a period, and when the entry count moves the period. The eviction count is written by
    // every eviction, so it lives on a cache line of its own (the middle of a 16-long array, 64
    // bytes from either end): beside tick, each eviction by the monitor or a put invalidated the
    // line every get on every other core reads.
    //
    //   evictionCount: | 8 longs of padding | count | 7 longs of padding |
    private volatile int tick;
    private volatile long period = 64;
    private final long[] evictionCount = new long[2 * COUNT_AT];
    private static final int COUNT_AT = 8; // 8 longs = 64 bytes from the array's header and end

    /** The current tick (low 11 bits used). */
    public int now() {
        return tick;
    }

    /** Sets how many evictions make one tick (scaled to the entry count by the monitor). */
    public void period(long evictionsPerTick) {
        long p = Math.max(1, evictionsPerTick);
        if (p != period) { // a volatile write (a fence, and the line taken from every reader) only on a change
            this.period = p;
        }
    }

    /** Scales the period to a store of {@code entries} entries (see {@link #TICKS_PER_TURNOVER}). */
    public void scaleTo(long entries) {
        period(Math.max(MIN_PERIOD, entries / TICKS_PER_TURNOVER));
    }

    public long period() {
        return period;
    }

    /**
     * Counts one eviction; advances the clock every {@link #period()} of them. The count is written
     * racily by evicting threads: a lost increment only stretches one period.
     */
    public void evicted() {
        long n = evictionCount[COUNT_AT] + 1;
        evictionCount[COUNT_AT] = n;
        if (n % period == 0) {
            tick = tick + 1;
        }
    }

    /** The hint an entry gets when it is written. */
    public int fresh() {
        return tick & TICK_MASK;
    }

    /**
     * The hint of a new entry in a store with an admission window: in the window, except before the
     * clock's first tick, when it starts in the main region as {@link #fresh()} does.
     * <p>
     * Before the first tick the store has not yet turned over (it is filling): there is no victim to
     * admit an entry against, and Caffeine, whose window this copies, moves its window's overflow to
     * the main region without a duel until it is full. Here every entry written while the store
     * filled kept the window bit, so once evictions began each one had to win a duel the first time it
     * was sampled, against the latest victim's frequency, usually 1: the keys of the first fill,
     * seen once, were evicted before any steady-state key, and those that came back after a long gap
     * were misses Caffeine does not have. With the sketch no longer halving during the fill
     * ({@link FrequencySketch}), trace replay at the same peak payload (bench/results/policy-replay.md
     * method), object / byte hit %: lirs_multi3 50 % 66.6 / 66.7 -> 70.3 / 69.9, lirs_multi2 50 %
     * 71.5 / 71.4 -> 75.2 / 74.6 (Caffeine 71.9 / 72.2 and 74.5 / 74.5). Either change alone lost 1 to
     * 2 points at 20 % of lirs_multi2/3. One volatile read, as before: the tick read here anyway.
     */
    public int freshInWindow() {
        int t = tick;
        return t == 0 ? 0 : WINDOW | (t & TICK_MASK);
    }

    /** Whether the hint marks an entry still in the admission window. */
    public static boolean inWindow(int hint) {
        return (hint & WINDOW) != 0;
    }

    /**
     * The hint of an entry admitted from the window to the main region: its frequency kept, the
     * window bit cleared and its tick now, as if just moved to the head of the main region.
     */
    public int admitted(int hint) {
        return (hint & ~(WINDOW | TICK_MASK)) | (tick & TICK_MASK);
    }

    /**
     * The hint after one more access: the current tick, and the frequency bumped with probability
     * {@code 2^-(freq / 2)} (always below 2, never at {@value #MAX_FREQ}). Equal to {@code hint}
     * when nothing changes, so the caller skips the write.
     * <p>
     * Branch-free on purpose: the frequency comes from the entry just read, usually a cache miss,
     * and a branch on it (or on a random draw) is one the predictor misses; a missed branch discards
     * the work the core ran ahead on, such as the next get's loads.
     */
    public int touched(int hint) {
        int t = tick & TICK_MASK;
        int f = hint >>> 12;
        int mask = (1 << (f >> 1)) - 1; // 0 for f < 2: the draw always passes
        int draw = ThreadLocalRandom.current().nextInt() & mask;
        // Each (x - 1) >>> 31 below is 1 exactly when x is 0 or negative (x is at least -15):
        // inc = (f < MAX_FREQ) & (draw == 0).
        int inc = ((f - MAX_FREQ) >>> 31) & ((draw - 1) >>> 31);
        return (f + inc) << 12 | (hint & WINDOW) | t;
    }

    /**
     * Whether a read of an entry with {@code hint} must write its header, through {@link #touched}:
     * when the entry was last read in an earlier tick, or its frequency is below 2 (a bump is then
     * certain). So a read records its tick and its first two reads at once, and further frequency
     * bumps (each with its probability) at its first read in each later tick: an entry read a
     * thousand times within one tick counts as read in that tick, as CLOCK-style counters do.
     * <p>
     * Why not a bump draw on every read: the draw (ThreadLocalRandom, then the compare) costs a get
     * about twenty instructions, and at 1M entries a get's instruction count decides whether the
     * core runs ahead into the next get's cache misses. This test is a load, xor, mask and compare:
     * GetLoop probe (1M x 100 B, 2 cores, same build) 350-380 ns per get with the draw on every
     * read, 235-310 ns with this test, 235-280 ns with no access recording at all.
     */
    public static boolean needsTouch(int hint, int now) {
        return ((hint ^ now) & TICK_MASK) != 0 || hint < 2 << 12;
    }

    /** Ticks since the hint's last access, 0 to 2047. */
    public int age(int hint) {
        return (tick - hint) & TICK_MASK;
    }

    /** The hint's frequency, halved for every {@value #DECAY_TICKS} ticks of age. */
    public static int decayedFrequency(int hint, int age) {
        return (hint >>> 12) >> Math.min(4, age / DECAY_TICKS);
    }
}
