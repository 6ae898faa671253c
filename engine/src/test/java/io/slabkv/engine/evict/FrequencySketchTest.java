package io.slabkv.engine.evict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The admission sketch: counting, raising, halving, and the halving period's scaling. */
class FrequencySketchTest {

    @Test
    void aKeyCountedTwiceIsAtLevelTwoAndAnotherKeyStaysLow() {
        FrequencySketch s = new FrequencySketch(1024);
        long key = 0x1234_5678_9ABCL;
        assertEquals(0, s.frequency(key));
        assertEquals(1, s.increment(key)); // below level 2 every increment counts
        assertEquals(2, s.increment(key));
        assertEquals(2, s.frequency(key));
        assertTrue(s.frequency(key + 1) <= 1, "a key never counted reads at most a collision's level");
    }

    @Test
    void raiseLiftsToTheLevelAndLevelZeroChangesNothing() {
        FrequencySketch s = new FrequencySketch(1024);
        long key = 42;
        s.raise(key, 0); // what eviction of a never-read entry would write: nothing (Store skips it)
        assertEquals(0, s.frequency(key));
        s.raise(key, 5);
        assertEquals(5, s.frequency(key));
        s.raise(key, 3); // never lowers
        assertEquals(5, s.frequency(key));
        s.raise(key, 99); // capped at the counter's maximum
        assertEquals(FrequencySketch.MAX_LEVEL, s.frequency(key));
    }

    @Test
    void countersHalveAfterThePeriod() {
        FrequencySketch s = new FrequencySketch(16);
        long key = 7;
        s.raise(key, 8);
        // MIN_PERIOD increments of other keys, each at level 0 or 1 (so each counts), trigger one halving.
        for (long k = 1_000; s.frequency(key) == 8 && k < 1_000 + 10 * FrequencySketch.MIN_PERIOD; k++) {
            s.increment(k * 0x9E37_79B9L);
        }
        assertEquals(4, s.frequency(key));
    }

    @Test
    void aStoreFillingUpToItsExpectedEntriesHalvesNothing() {
        // The store calls scaleTo only when it evicts: while it fills, the period is the expected
        // entries'. (It was MIN_PERIOD: a fill of 4,096 keys halved every count 16 times, to 0.)
        int expected = 4_096;
        FrequencySketch s = new FrequencySketch(expected);
        for (long k = 1; k <= expected; k++) {
            s.increment(k * 0x9E37_79B9L);
        }
        int atOne = 0;
        for (long k = 1; k <= expected; k++) {
            atOne += s.frequency(k * 0x9E37_79B9L) >= 1 ? 1 : 0;
        }
        assertEquals(expected, atOne, "every key written once still counts");
    }

    @Test
    void theHalvingPeriodFollowsTheEntriesButMovesOnlyBeyondASixteenth() {
        FrequencySketch s = new FrequencySketch(1 << 20);
        assertEquals((1 << 20) * FrequencySketch.PERIOD_PER_ENTRY, s.halvingPeriod(), "before any scaleTo: the expected entries'");
        s.scaleTo(100_000);
        assertEquals(100_000 * FrequencySketch.PERIOD_PER_ENTRY, s.halvingPeriod());
        // A store at its limit calls this on every inline eviction with a count that moves by one:
        // within a sixteenth, the period (a volatile every insert reads) is not written again.
        s.scaleTo(100_001);
        s.scaleTo(99_000);
        s.scaleTo(106_000);
        assertEquals(100_000 * FrequencySketch.PERIOD_PER_ENTRY, s.halvingPeriod());
        s.scaleTo(107_000);
        assertEquals(107_000 * FrequencySketch.PERIOD_PER_ENTRY, s.halvingPeriod());
        s.scaleTo(50_000);
        assertEquals(50_000 * FrequencySketch.PERIOD_PER_ENTRY, s.halvingPeriod());
        s.scaleTo(0);
        assertEquals(FrequencySketch.MIN_PERIOD, s.halvingPeriod());
    }
}
