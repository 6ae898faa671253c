package io.slabkv.stress.race;

import io.slabkv.MemoryLimitExceededException;
import io.slabkv.SlabKV;
import io.slabkv.StoreStats;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIL_Result;

import java.lang.foreign.MemorySegment;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Puts against {@code setMemoryLimit} lowering the limit.
 *
 * <p>The store starts with a limit of four pages (one page per region), each page holding one entry
 * of its own size class (keys 1 to 4). One actor lowers the limit to two pages: {@code Monitor.shrinkTo}
 * drains the region with the fewest live chunks, waits for its pages to come back, releases the
 * region, until the reservation fits. The other puts key 5 (into the class of key 1, whose page has
 * room) and key 6 (a class that holds one chunk per page, so it needs a whole page: at the lowered
 * limit the put has to make room inline while the shrink drains). The interleavings guarded against:
 * the put takes a page from the pool, or allocates into a page, that the shrink counted on releasing,
 * and the shrink gives up or ends with the reservation still above the new limit; a page drained and
 * released while the put still writes into it (a value torn, or a foreign key's bytes); a put that
 * fails with anything but {@link MemoryLimitExceededException}, or the shrink with anything at all.
 *
 * <p>Result, from the arbiter but {@code r3}: {@code r1} 1 when {@code stats().bytesReserved()} is at
 * most the new limit and {@code memoryLimit()} is the new limit; {@code r2} how many of the six keys
 * are present, each with its complete value (-1 when a present key reads anything else); {@code r3}
 * {@code none}, or what the put or the shrink threw.
 */
public final class PutShrinkTest {

    /** Value lengths by key (index 0 unused): entries of classes 1184, 1480, 1856, 2320, 1184, 2320. */
    static final int[] LENGTH = {0, 1000, 1300, 1700, 2200, 1000, 2200};
    static final MemorySegment[] VALUE = new MemorySegment[LENGTH.length];

    static {
        for (int k = 1; k < LENGTH.length; k++) {
            VALUE[k] = RaceStores.value(k, LENGTH[k]);
        }
    }

    static final long LOWER = RaceStores.limit(2);

    private PutShrinkTest() {
    }

    @JCStressTest
    @Description("One actor puts two entries (one needs a page of its own) while the other lowers the "
            + "memory limit from four pages to two: the reservation must end within the new limit, every "
            + "key left must read its own complete value.")
    @Outcome(id = "1, [0-6], none", expect = ACCEPTABLE,
            desc = "The store fits the new limit; the keys left (some evicted to drain regions or to make "
                    + "room for key 6) read their complete values.")
    @Outcome(id = "1, [0-6], put: MemoryLimitExceededException", expect = ACCEPTABLE_INTERESTING,
            desc = "A put found no room within its inline-eviction deadline while the shrink held pages "
                    + "back; the store fits the new limit and is intact.")
    @Outcome(id = "0, .*", expect = FORBIDDEN,
            desc = "The reservation is above the new limit after both actors finished: a page the put took "
                    + "kept a region the shrink meant to release, and the shrink gave up.")
    @Outcome(id = "1, -1, .*", expect = FORBIDDEN,
            desc = "A key reads bytes that are not its value: a page was drained and released or reused "
                    + "while an entry on it was still linked or being written.")
    @Outcome(expect = FORBIDDEN,
            desc = "The put threw something other than MemoryLimitExceededException, or setMemoryLimit "
                    + "threw: a race the engine does not handle.")
    @State
    public static class LowerWhilePutting {
        final SlabKV kv = RaceStores.pages(4).build();
        final MemorySegment dst = MemorySegment.ofArray(new byte[RaceStores.PAGE]);
        volatile String putFault;
        volatile String limitFault;

        public LowerWhilePutting() {
            for (int k = 1; k <= 4; k++) {
                kv.put(k, VALUE[k]);
            }
        }

        @Actor
        public void writer() {
            try {
                kv.put(5, VALUE[5]);
                kv.put(6, VALUE[6]);
            } catch (RuntimeException e) {
                putFault = e.getClass().getSimpleName();
            }
        }

        @Actor
        public void shrinker() {
            try {
                kv.setMemoryLimit(LOWER);
            } catch (RuntimeException e) {
                limitFault = e.getClass().getSimpleName();
            }
        }

        @Arbiter
        public void arbiter(IIL_Result r) {
            try {
                StoreStats s = kv.stats();
                r.r1 = s.bytesReserved() <= LOWER && kv.memoryLimit() == LOWER ? 1 : 0;
                int present = 0;
                for (int k = 1; k < LENGTH.length; k++) {
                    int v = RaceStores.valueOf(kv, k, dst, LENGTH[k]);
                    if (v == k) {
                        present++;
                    } else if (v != RaceStores.ABSENT) {
                        present = -1;
                        break;
                    }
                }
                r.r2 = present;
                r.r3 = limitFault != null ? "setMemoryLimit: " + limitFault
                        : putFault != null ? "put: " + putFault : "none";
            } finally {
                kv.close();
            }
        }
    }
}
