package io.slabkv.engine.evict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The adaptive window's hill climbing, fed hit and miss counts by hand. */
class WindowClimberTest {

    /** Feeds one sample of {@code n} requests at hit ratio {@code ratio}; returns the counts after. */
    private static long[] sample(WindowClimber c, long[] counts, long n, double ratio, long entries) {
        long hits = counts[0] + Math.round(n * ratio);
        long misses = counts[1] + n - Math.round(n * ratio);
        c.observe(hits, misses, entries);
        return new long[] {hits, misses};
    }

    @Test
    void aWindowThatRaisesTheHitRatioKeepsGrowingAndOneThatLowersItTurnsRound() {
        AdmissionWindow w = new AdmissionWindow(0.01, null);
        WindowClimber c = new WindowClimber(w);
        long[] counts = {0, 0};
        double ratio = 0.5;
        counts = sample(c, counts, 10_000, ratio, 100); // the first sample only sets the reference
        assertEquals(0.01, w.share(), 1e-9);
        for (int i = 0; i < 3; i++) { // each larger window hits more: keep climbing
            ratio += 0.01;
            counts = sample(c, counts, 10_000, ratio, 100);
        }
        double grown = w.share();
        assertTrue(grown > 0.15, "three steps up of about 6 % each: " + grown);
        sample(c, counts, 10_000, ratio - 0.02, 100); // worse: turn round
        assertTrue(w.share() < grown, "a lower hit ratio turns the climb round: " + w.share());
    }

    @Test
    void theWindowNeverShrinksBelowItsFirstShareNorGrowsPastTheMaximum() {
        AdmissionWindow w = new AdmissionWindow(0.01, null);
        WindowClimber c = new WindowClimber(w);
        long[] counts = {0, 0};
        for (int i = 0; i < 200; i++) {
            counts = sample(c, counts, 10_000, (i & 1) == 0 ? 0.2 : 0.6, 100);
            assertTrue(w.share() >= 0.01 && w.share() <= AdmissionWindow.MAX_SHARE, "share " + w.share());
        }
    }

    @Test
    void aSampleIsTenRequestsPerEntryHeld() {
        AdmissionWindow w = new AdmissionWindow(0.01, null);
        WindowClimber c = new WindowClimber(w);
        long[] counts = sample(c, new long[] {0, 0}, 100_000, 0.5, 10_000);
        counts = sample(c, counts, 99_000, 0.9, 10_000); // short of 10 x 10,000 requests: no move
        assertEquals(0.01, w.share(), 1e-9);
        sample(c, counts, 1_000, 0.9, 10_000);
        assertTrue(w.share() > 0.01, "a full sample with a better hit ratio moves the window: " + w.share());
    }
}
