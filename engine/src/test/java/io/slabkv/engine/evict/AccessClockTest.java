package io.slabkv.engine.evict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link AccessClock#touched} is arithmetic without branches; these pin its rule: the tick is always
 * brought to now; the frequency rises always below 2, never at the maximum, and otherwise with
 * probability {@code 2^-(freq / 2)}; and an access that changes nothing returns the hint itself (the
 * caller's cue to skip the write); the admission window's bit stays as it was. Ticks are 11 bits
 * (bit 11 is the window bit).
 */
class AccessClockTest {

    private static int hint(int freq, int tick) {
        return freq << 12 | tick;
    }

    @Test
    void lowFrequenciesAlwaysRiseAndTheTickCatchesUp() {
        AccessClock clock = new AccessClock();
        for (int f = 0; f < 2; f++) {
            for (int i = 0; i < 1_000; i++) {
                assertEquals(hint(f + 1, clock.now()), clock.touched(hint(f, 0x2BC)));
            }
        }
    }

    @Test
    void theMaximumStaysAndAnUnchangedHintIsReturnedAsIs() {
        AccessClock clock = new AccessClock();
        int now = hint(AccessClock.MAX_FREQ, clock.now());
        for (int i = 0; i < 1_000; i++) {
            assertEquals(now, clock.touched(now));
            assertEquals(now, clock.touched(hint(AccessClock.MAX_FREQ, 0x123)), "an old tick is brought to now");
        }
    }

    @Test
    void higherFrequenciesRiseWithHalvingProbability() {
        AccessClock clock = new AccessClock();
        int draws = 200_000;
        for (int f = 2; f < AccessClock.MAX_FREQ; f++) {
            int rises = 0;
            for (int i = 0; i < draws; i++) {
                int next = clock.touched(hint(f, clock.now()));
                int nf = next >>> 12;
                assertTrue(nf == f || nf == f + 1, "frequency " + f + " became " + nf);
                rises += nf - f;
            }
            double p = 1.0 / (1 << (f >> 1));
            double sd = Math.sqrt(draws * p * (1 - p));
            assertTrue(Math.abs(rises - draws * p) < 6 * sd + 1,
                    "frequency " + f + ": " + rises + " rises in " + draws + " accesses, expected about " + draws * p);
        }
    }

    @Test
    void anAccessKeepsTheWindowBit() {
        AccessClock clock = new AccessClock();
        for (int f = 0; f <= AccessClock.MAX_FREQ; f++) {
            int in = clock.touched(AccessClock.WINDOW | hint(f, 0x123));
            int out = clock.touched(hint(f, 0x123));
            assertTrue(AccessClock.inWindow(in), "window entry at frequency " + f + " left the window on a read");
            assertTrue(!AccessClock.inWindow(out), "main entry at frequency " + f + " entered the window on a read");
            assertEquals(clock.now() & AccessClock.TICK_MASK, in & AccessClock.TICK_MASK);
        }
    }

    /**
     * A get writes the header only when {@link AccessClock#needsTouch} says so: its first two reads
     * (frequency below 2), and its first read in a later tick. Every other read of the same tick
     * writes nothing, whatever the frequency and the window bit. The tick compare spans the clock's
     * wrap (ticks are compared modulo 2048).
     */
    @Test
    void aReadWritesOnItsFirstTwoReadsAndOncePerTick() {
        AccessClock clock = new AccessClock();
        for (int window = 0; window <= AccessClock.WINDOW; window += AccessClock.WINDOW) {
            for (int f = 0; f <= AccessClock.MAX_FREQ; f++) {
                int now = clock.now();
                int same = window | hint(f, now & AccessClock.TICK_MASK);
                assertEquals(f < 2, AccessClock.needsTouch(same, now), "frequency " + f + ", same tick");
                int older = window | hint(f, (now - 1) & AccessClock.TICK_MASK);
                assertTrue(AccessClock.needsTouch(older, now), "frequency " + f + ", an older tick");
                assertTrue(AccessClock.needsTouch(window | hint(f, (now + 2047) & AccessClock.TICK_MASK), now + 2048),
                        "a tick one behind across the wrap");
                assertEquals(f < 2, AccessClock.needsTouch(same, now + 2048), "a full wrap is the same tick");
            }
        }
        // What touched makes of a hint that needs a touch is a hint that needs none (above 1), so a
        // second read in the same tick writes nothing.
        for (int f = 1; f <= AccessClock.MAX_FREQ; f++) {
            int next = clock.touched(hint(f, 0x123));
            assertTrue(!AccessClock.needsTouch(next, clock.now()), "frequency " + f + " touched still needs a touch");
        }
    }

    @Test
    void newEntriesStartInTheMainRegionUntilTheFirstTickThenInTheWindow() {
        AccessClock c = new AccessClock();
        c.period(2);
        assertEquals(c.fresh(), c.freshInWindow(), "before the first tick: no window bit");
        assertTrue(!AccessClock.inWindow(c.freshInWindow()));
        c.evicted();
        assertTrue(!AccessClock.inWindow(c.freshInWindow()), "one eviction, no tick yet");
        c.evicted();
        assertEquals(1, c.now());
        assertEquals(AccessClock.WINDOW | 1, c.freshInWindow());
        while (c.now() < AccessClock.TICK_MASK + 1) { // the hint's tick wraps to 0; the clock's own count does not
            c.evicted();
        }
        assertEquals(0, c.fresh());
        assertEquals(AccessClock.WINDOW, c.freshInWindow(), "tick " + c.now() + ": in the window");
    }

    @Test
    void theClockTicksOncePerPeriodOfEvictions() {
        AccessClock c = new AccessClock();
        c.period(3);
        int t0 = c.now();
        for (int i = 1; i <= 9; i++) {
            c.evicted();
            assertEquals(t0 + i / 3, c.now(), "after " + i + " evictions");
        }
        c.period(3); // unchanged: nothing written, the count goes on
        c.evicted();
        c.evicted();
        c.evicted();
        assertEquals(t0 + 4, c.now());
        c.scaleTo(10 * AccessClock.TICKS_PER_TURNOVER); // 10 evictions a tick
        assertEquals(10, c.period());
        c.period(0); // at least 1
        assertEquals(1, c.period());
    }
}
