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
 *  15      12 11                     0
 *  +---------+------------------------+
 *  | freq:4  | tick: clock mod 4096   |
 *  +---------+------------------------+
 * </pre>
 *
 * {@code freq} is a logarithmic counter: an access bumps it with probability
 * {@code 2^-(freq / 2)}, so it saturates near 500 accesses and a hot entry stops writing its header
 * at all. {@link #decayedFrequency} halves it for every {@value #DECAY_TICKS} ticks of age at
 * evaluation time, so decay needs no writes.
 */
public final class AccessClock {

    public static final int TICK_MASK = 0xFFF;
    public static final int MAX_FREQ = 15;
    public static final int DECAY_TICKS = 32;

    private volatile int tick;
    private long evictions; // written by evicting threads racily: only the period matters
    private volatile long period = 64;

    /** The current tick (low 12 bits used). */
    public int now() {
        return tick;
    }

    /** Sets how many evictions make one tick (scaled to the entry count by the monitor). */
    public void period(long evictionsPerTick) {
        this.period = Math.max(1, evictionsPerTick);
    }

    public long period() {
        return period;
    }

    /** Counts one eviction; advances the clock every {@link #period()} of them. */
    public void evicted() {
        if (++evictions % period == 0) {
            tick = tick + 1;
        }
    }

    /** The hint an entry gets when it is written. */
    public int fresh() {
        return tick & TICK_MASK;
    }

    /**
     * The hint after one more access, or {@code hint} itself when nothing changes (then the caller
     * skips the write).
     */
    public int touched(int hint) {
        int t = tick & TICK_MASK;
        int f = hint >>> 12;
        if (f < MAX_FREQ && (f < 2 || (ThreadLocalRandom.current().nextInt() & ((1 << (f >> 1)) - 1)) == 0)) {
            f++;
        } else if ((hint & TICK_MASK) == t) {
            return hint;
        }
        return f << 12 | t;
    }

    /** Ticks since the hint's last access, 0 to 4095. */
    public int age(int hint) {
        return (tick - hint) & TICK_MASK;
    }

    /** The hint's frequency, halved for every {@value #DECAY_TICKS} ticks of age. */
    public static int decayedFrequency(int hint, int age) {
        return (hint >>> 12) >> Math.min(4, age / DECAY_TICKS);
    }
}
