package io.slabkv.engine.evict;

/**
 * Sizes the admission window by hill climbing on the hit ratio, as Caffeine does (Einziger et al.,
 * "Adaptive Software Cache Management", Middleware 2018): after each sample of requests it moves
 * the window's share a step; if the hit ratio fell since the last sample it turns round; the step
 * shrinks as it goes, and starts again from its first size when the hit ratio jumps (the workload
 * changed). A fixed 1 % window costs traces where recency wins (lirs_sprite) what it gains on loops
 * and frequency-skewed mixes: a key read again just after it left the window had to beat the main
 * region once more to be stored.
 *
 * <p>Off by default ({@code SlabKV.Builder.adaptiveWindow}): in the trace replay of issue 4 it took
 * lirs_sprite at 20 % from 1.86 to 0.83 points of object hit ratio below exact LRU, but lost 9 points
 * on lirs_loop at 50 % (37.2 to 27.9 above exact LRU; with a first step of 2 %, 31.4) and 1.8 on
 * adapt_size_request at 5 %: a loop's hit ratio swings from sample to sample while its admitted
 * part settles, and the climber reads that as the window's doing.
 *
 * <p>Driven by the monitor's duty cycle with the store's hit and miss counts, so it adds nothing to
 * gets or puts; a store whose monitor never runs keeps its window's first share. Not thread-safe:
 * the monitor's cycle is synchronized.
 */
public final class WindowClimber {

    /** The first step: a sixteenth of the store (Caffeine's 6.25 %). */
    static final double INITIAL_STEP = 0.0625;
    /** Each step is this much smaller than the last. */
    static final double STEP_DECAY = 0.98;
    /** A change of hit ratio this large (5 points) restarts the steps at their first size. */
    static final double RESTART = 0.05;
    /** Requests per sample, per entry the store holds (Caffeine's 10 x its maximum size). */
    static final int SAMPLE_PER_ENTRY = 10;
    /** The fewest requests per sample, for a store holding very few entries. */
    static final int MIN_SAMPLE = 4096;

    private final AdmissionWindow window;
    private final double min;
    private long lastHits;
    private long lastRequests;
    private double previousHitRatio = -1;
    private double step = INITIAL_STEP;

    /** A climber for {@code window}, which it never takes below its share now. */
    public WindowClimber(AdmissionWindow window) {
        this.window = window;
        this.min = window.share();
    }

    /**
     * Takes the store's hit and miss counts so far and its entry count; moves the window when a
     * sample's worth of requests has gone by since the last move.
     */
    public void observe(long hits, long misses, long entries) {
        long requests = hits + misses;
        long n = requests - lastRequests;
        if (n < Math.max(MIN_SAMPLE, SAMPLE_PER_ENTRY * entries)) {
            return;
        }
        double ratio = (double) (hits - lastHits) / n;
        lastHits = hits;
        lastRequests = requests;
        if (previousHitRatio >= 0) {
            double delta = ratio - previousHitRatio;
            if (delta < 0) {
                step = -step; // worse than before: turn round
            }
            window.share(Math.max(min, Math.min(AdmissionWindow.MAX_SHARE, window.share() + step)));
            step = Math.abs(delta) >= RESTART ? Math.copySign(INITIAL_STEP, step) : step * STEP_DECAY;
        }
        previousHitRatio = ratio;
    }
}
