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
 * A get of key K against the recycling of K's page to another size class.
 *
 * <p>The store has one page, of K's class (chunks of 1184 bytes). A put of B, whose entry is of a
 * larger class (2320), meets the hard limit; {@code Evictor.makeRoom} finds no entry of B's class to
 * evict, so it drains K's page ({@code Evictor.drain}: the page stops serving its class, K is
 * evicted and its chunk retired); once the chunk is freed the page is retired whole, and once that
 * grace period is over it goes to the pool, where B's class carves it from offset 0: B's header, key
 * and value land over K's value. The interleaving guarded against: the reader finds K's entry, the
 * drain evicts K, the chunk and then the page come back while the reader still copies, and it
 * returns B's bytes, or a mix, under K's name. Two grace periods stand between the eviction and the
 * reuse; either one must hold for the reader's critical section.
 *
 * <p>Result: {@code r1} what the reader's get of K found (0 a miss, 1 K's complete value, 9 B's
 * value, -1 a mix of bytes, -2 a wrong length); {@code r2} pages recycled (exactly 1, else the setup
 * no longer makes the race it names); {@code r3} 1 when B's value covers the bytes K's value had.
 */
public final class GetPageRecycleTest {

    static final long K = 7, B = 8;
    /** Entry 1016 bytes: class 1184, the page's only class. */
    static final int K_BYTES = 1000;
    /** Entry 2016 bytes: class 2320, which has no page. */
    static final int B_BYTES = 2000;
    static final MemorySegment K1 = RaceStores.value(1, K_BYTES);
    static final MemorySegment B9 = RaceStores.value(9, B_BYTES);

    private GetPageRecycleTest() {
    }

    @JCStressTest
    @Description("A reader gets K while the other actor puts B of another size class into a one-page store "
            + "whose page holds K: the put drains K's page, which is recycled to B's class and rewritten.")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE,
            desc = "The reader copied K's value whole, before the drain, or before the chunk and the page "
                    + "came back (the put waited for it to leave its critical section).")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE,
            desc = "The reader's get came after the drain evicted K: a miss.")
    @Outcome(id = "9, .*", expect = FORBIDDEN,
            desc = "The reader returned B's value for K: the page went to B's class and was rewritten while "
                    + "the reader, having matched K's key, was still copying.")
    @Outcome(id = "-1, .*", expect = FORBIDDEN,
            desc = "Torn read: K's page was recycled and rewritten mid-copy.")
    @Outcome(id = "-2, .*", expect = FORBIDDEN,
            desc = "A wrong value length: the reader read K's header after its chunk was freed or its page "
                    + "rewritten by B's class.")
    @Outcome(expect = FORBIDDEN,
            desc = "Not exactly one page recycled, or B not over K's bytes: with one page there is no other "
                    + "memory, so either the limit leaks or the put made room some other way and the test no "
                    + "longer races what it names.")
    @State
    public static class OtherClassAtLimit {
        final SlabKV kv = RaceStores.pages(1).build();
        final MemorySegment dst = MemorySegment.ofArray(new byte[K_BYTES]);
        final long kAddress;

        public OtherClassAtLimit() {
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
                r.r3 = b != 0 && b <= kAddress && kAddress + K_BYTES <= b + B_BYTES ? 1 : 0;
            } finally {
                kv.close();
            }
        }
    }
}
