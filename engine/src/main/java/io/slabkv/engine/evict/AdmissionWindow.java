package io.slabkv.engine.evict;

/**
 * The admission window in front of the main region (W-TinyLFU, Einziger, Friedman, Manes 2017), in
 * the form sampled eviction allows: no lists, only a bit in each entry's access hint.
 *
 * <p><b>Why.</b> Without it a new entry competes with the main region from its first eviction on,
 * by a score that cannot yet tell a one-time key from the head of a loop. With admission at the put
 * (the experiment of experiments/admission-sketch on branch experiment/admission-sketch) a new key
 * rarer than its victim is never stored, and traces where recency wins (lirs_sprite, cache2k) lost
 * up to 5 points of hit ratio: a key that is read again soon after its first write had no chance.
 * The window gives every new entry a short stay in which its reads count; only when it leaves does
 * it have to beat the main region's victim.
 *
 * <p><b>How, with sampled eviction.</b> A new entry carries {@link AccessClock#WINDOW} (once the
 * store has begun to evict: entries written while it first fills start in the main region, see
 * {@link AccessClock#freshInWindow}). While it is
 * unread for fewer than {@link #ticks()} ticks of the eviction clock (the window's share of a
 * turnover, so the window holds about the newest {@code share} of the entries) it ranks behind every
 * other entry: it is evicted only if nothing else is at hand. Sampled after that, it has left the
 * window and duels: it is admitted to the main region (bit cleared, tick set to now) if its
 * frequency is higher than that of the main region's latest victim (each evictor remembers the one
 * it evicted last: sampled eviction has no single victim to compare with); else it ranks ahead of
 * every main-region entry and is evicted next, or duels again if sampled again first. A read keeps
 * an entry's window bit and restarts its stay in the window, as a read moves an entry to the head
 * of Caffeine's window LRU. Puts are never declined: the earlier experiment's declined puts also
 * left the eviction clock standing.
 *
 * <p><b>Frequency.</b> The entry's decayed read count from its header, plus, with a
 * {@link FrequencySketch}, the key's write history (its misses, and the reads of its earlier stays
 * in the store, written back on eviction). Without a sketch a candidate only wins with reads in the
 * window. Gets do what they did (touch the entry header, when the hint changes); the hint they
 * write keeps the window bit, one mask more and no further memory access.
 */
public final class AdmissionWindow {

    /** The default share of the store's entries in the window: Caffeine's default. */
    public static final double DEFAULT_SHARE = 0.01;
    /** The largest share allowed: beyond it the main region is no longer the larger part. */
    public static final double MAX_SHARE = 0.5;

    private volatile double share; // written by the WindowClimber (the monitor), read by evictors
    private final FrequencySketch sketch;

    /**
     * @param share  the window's target share of the store's entries, above 0 and at most {@value #MAX_SHARE}
     * @param sketch the key history to add to a candidate's frequency, or null for header counts only
     */
    public AdmissionWindow(double share, FrequencySketch sketch) {
        if (!(share > 0 && share <= MAX_SHARE)) {
            throw new IllegalArgumentException("admission window share " + share + " must be above 0 and at most "
                    + MAX_SHARE);
        }
        this.share = share;
        this.sketch = sketch;
    }

    /** The window's target share of the store's entries. */
    public double share() {
        return share;
    }

    /** Sets the window's share (the {@link WindowClimber} does, from the monitor's thread). */
    public void share(double share) {
        if (!(share > 0 && share <= MAX_SHARE)) {
            throw new IllegalArgumentException("admission window share " + share + " must be above 0 and at most "
                    + MAX_SHARE);
        }
        this.share = share;
    }

    /**
     * Ticks of the eviction clock an entry stays in the window unread: the window's share of a
     * turnover ({@link AccessClock#TICKS_PER_TURNOVER} ticks, in which as many entries are evicted,
     * and in a store at its limit written, as it holds). So the window holds about the newest
     * {@code share} of the entries.
     */
    public double ticks() {
        return share * AccessClock.TICKS_PER_TURNOVER;
    }

    /** The key history, or null. */
    public FrequencySketch sketch() {
        return sketch;
    }

    /** The frequency a duel compares: the decayed header count, plus the sketch's for {@code hash}. */
    public int frequency(int hint, int age, long hash) {
        int f = AccessClock.decayedFrequency(hint, age);
        return sketch == null ? f : Math.min(AccessClock.MAX_FREQ, f + sketch.frequency(hash));
    }

    /**
     * Whether a candidate of frequency {@code candidate} takes the place of a victim of {@code victim}:
     * only if strictly more frequent, as in Caffeine. Admitting ties once in 4 or 16 duels (measured
     * in the trace replay of bench/results/policy-replay.md, issue 4) lost 1 to 4 points of hit
     * ratio on lirs_multi1/2/3 and cache2k_web07 and gained 3 to 5 on lirs_loop at 50 %.
     */
    public boolean admits(int candidate, int victim) {
        return candidate > victim;
    }
}
