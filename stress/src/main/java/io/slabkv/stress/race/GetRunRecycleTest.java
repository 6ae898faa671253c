package io.slabkv.stress.race;

import io.slabkv.SlabKV;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.lang.foreign.MemorySegment;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A get of key K, whose value is a run of two pages, against the recycling of those pages to a size
 * class.
 *
 * <p>The store has two pages, one region, and K's run fills them. A put of B (a 1,000-byte value, a
 * size class with no page) meets the hard limit; {@code Evictor.makeRoom} finds no entry of B's class,
 * so it drains a page of the coldest other class, the run's ({@code SlabAllocator.drainPage} lists the
 * run's one chunk): K is evicted and its chunk retired; once the chunk is freed the run's pages are
 * retired whole ({@code SlabAllocator.freeRun}), and once that grace period is over they go to the
 * pool, where B's class carves one of them from offset 0: B's entry lands over K's value. The
 * interleaving guarded against: the reader finds K's entry, the drain evicts K, the chunk and then
 * the pages come back while the reader still copies, and it returns B's bytes, or a mix, under K's
 * name. Two grace periods stand between the eviction and the reuse, as for a class page
 * ({@link GetPageRecycleTest}); the second is the one a run needs for a drainer that found it after
 * it was retired.
 *
 * <p>Result: {@code r1} what the reader's get of K found (0 a miss, 1 K's complete value, 9 B's
 * value, -1 a mix of bytes, -2 a wrong length); {@code r2} pages recycled (exactly 1: the drain of
 * the run); {@code r3} 1 when B's value lies inside the bytes K's value had.
 */
public final class GetRunRecycleTest {

    static final long K = 7, B = 8;
    /** Two pages of 4 KiB minus a little: K's entry is a run of two pages. */
    static final int K_BYTES = 2 * RaceStores.PAGE - 64;
    /** Entry 1016 bytes: a size class with no page. */
    static final int B_BYTES = 1000;
    static final MemorySegment K1 = RaceStores.value(1, K_BYTES);
    static final MemorySegment B9 = RaceStores.value(9, B_BYTES);

    private GetRunRecycleTest() {
    }

    @JCStressTest
    @Description("A reader gets K (a run of two pages that fills the store) while the other actor puts B of "
            + "a size class: the put drains the run's pages, which are recycled to B's class and rewritten.")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE,
            desc = "The reader copied K's value whole, before the drain, or before the chunk and the pages "
                    + "came back (the put waited for it to leave its critical section).")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE,
            desc = "The reader's get came after the drain evicted K: a miss.")
    @Outcome(id = "9, .*", expect = FORBIDDEN,
            desc = "The reader returned B's value for K: a page of the run went to B's class and was "
                    + "rewritten while the reader, having matched K's key, was still copying.")
    @Outcome(id = "-1, .*", expect = FORBIDDEN,
            desc = "Torn read: a page of K's run was recycled and rewritten mid-copy.")
    @Outcome(id = "-2, .*", expect = FORBIDDEN,
            desc = "A wrong value length: the reader read K's header after its pages were recycled.")
    @Outcome(expect = FORBIDDEN,
            desc = "Not exactly one page drained, or B not over K's old bytes: with two pages there is no "
                    + "other memory, so either the limit leaks or the test no longer races what it names.")
    @State
    public static class Drain {
        final SlabKV kv = RaceStores.pagesInOneRegion(2).build();
        final MemorySegment dst = MemorySegment.ofArray(new byte[K_BYTES]);
        final long kAddress;

        public Drain() {
            kv.put(K, K1);
            kAddress = RaceStores.valueAddress(kv, K);
        }

        @Actor
        public void reader(III_Result r) {
            r.r1 = RaceStores.valueOf(kv, K, dst, K_BYTES);
        }

        @Actor
        public void writer() {
            kv.put(B, B9);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            try {
                r.r2 = (int) kv.stats().pagesRecycled();
                long b = RaceStores.valueAddress(kv, B);
                r.r3 = b >= kAddress && b < kAddress + K_BYTES ? 1 : 0;
            } finally {
                kv.close();
            }
        }
    }
}
