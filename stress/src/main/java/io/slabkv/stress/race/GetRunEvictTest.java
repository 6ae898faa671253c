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
 * A get of key K, whose value is larger than a page (a run of two pages), against a put of B, also a
 * run of two pages, at the hard limit: the store has room for exactly one run, so the put evicts K
 * inline ({@code Evictor.makeRoomForRun}) and B can only take K's pages.
 *
 * <p>The interleaving guarded against: the reader loads K's slot and starts copying K's two pages;
 * the writer evicts K and retires its run; the run is freed and its pages go back to the pool; B's
 * put takes the same two pages and writes B's value over them; the reader, still copying, returns a
 * mix of K's and B's bytes, or B's bytes under K's name. A run frees through the chunk's grace period
 * and then a grace period of its pages, so the reader's epoch critical section must keep both pages
 * K's until its copy is done. The page table entry of the run's first page is also switched back to
 * one page when the run ends: a reader that still used it would read a wrong length or fail.
 *
 * <p>Result: {@code r1} what the reader's get of K found (0 a miss, 1 K's complete value, 9 B's
 * value, -1 a mix of bytes, -2 a wrong length); {@code r2} inline evictions (exactly 1: K); {@code r3}
 * 1 when B's value sits at the address K's had (B took K's pages).
 */
public final class GetRunEvictTest {

    static final long K = 7, B = 8;
    /** Two pages of 4 KiB minus a little: the entry (16 bytes of header and key more) needs a run of two. */
    static final int VALUE_BYTES = 2 * RaceStores.PAGE - 64;

    private GetRunEvictTest() {
    }

    @JCStressTest
    @Description("A reader gets K (a run of two pages) while the other actor puts B (another run of two) "
            + "into a store with room for one run: the put evicts K inline and B takes K's pages once the "
            + "reader's critical section lets them go.")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE,
            desc = "The reader copied K's value whole; the put evicted K and B then took K's pages.")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE,
            desc = "The reader's get came after the inline eviction: a miss.")
    @Outcome(id = "9, .*", expect = FORBIDDEN,
            desc = "The reader returned B's value for K: K's pages were reused while it was still copying.")
    @Outcome(id = "-1, .*", expect = FORBIDDEN,
            desc = "Torn read: B was written over K's pages mid-copy.")
    @Outcome(id = "-2, .*", expect = FORBIDDEN,
            desc = "A wrong value length: the reader read K's header after its run was freed or rewritten.")
    @Outcome(expect = FORBIDDEN,
            desc = "Not exactly one inline eviction, or B not in K's pages: with room for one run there is "
                    + "no other memory, so either the limit leaks or the test no longer races what it names.")
    @State
    public static class Inline {
        static final MemorySegment K1 = RaceStores.value(1, VALUE_BYTES);
        static final MemorySegment B9 = RaceStores.value(9, VALUE_BYTES);

        final SlabKV kv = RaceStores.pagesInOneRegion(2).build();
        final MemorySegment dst = MemorySegment.ofArray(new byte[VALUE_BYTES]);
        final long kAddress;

        public Inline() {
            kv.put(K, K1);
            kAddress = RaceStores.valueAddress(kv, K);
        }

        @Actor
        public void reader(III_Result r) {
            r.r1 = RaceStores.valueOf(kv, K, dst, VALUE_BYTES);
        }

        @Actor
        public void writer() {
            kv.put(B, B9);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            try {
                r.r2 = (int) (kv.stats().evictionsInline() + kv.stats().evictionsPageRecycle());
                r.r3 = RaceStores.valueAddress(kv, B) == kAddress ? 1 : 0;
            } finally {
                kv.close();
            }
        }
    }
}
