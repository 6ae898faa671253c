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
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A get of key K against the eviction of K and the reuse of its chunk by another key.
 *
 * <p>The interleaving guarded against: the reader loads K's slot and finds K's entry in chunk c;
 * the evictor CASes the slot to a tombstone and retires c; reclamation frees c; a put of key B
 * takes c and writes B's value over it; the reader, still copying from c, returns half of K's value
 * and half of B's, or B's bytes under K's name. The eviction paths retire c like a remove does, so
 * the reader's epoch critical section must keep c from being freed until its copy is done: the
 * monitor's pressure eviction ({@link Pressure}) and a put's inline eviction at the hard limit
 * ({@link Inline}).
 *
 * <p>Result: {@code r1} what the reader's get of K found (0 a miss, 1 K's complete value, 9 B's value,
 * -1 a mix of bytes, -2 a wrong length); {@code r2} evictions of the cause the test drives (K is the
 * only entry to evict: exactly 1, else the setup no longer makes the race it names); {@code r3} 1 when
 * B's value sits at the address K's had (B reused K's chunk), 0 when it went elsewhere.
 */
public final class GetEvictTest {

    static final long K = 7, B = 8;

    private GetEvictTest() {
    }

    @JCStressTest
    @Description("A reader gets K while the other actor runs maintain() with the store above its high "
            + "watermark (K alone fills it: watermarks 0.15/0.10), which evicts K, then puts B into the "
            + "same size class, which reuses K's chunk once it is freed.")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE,
            desc = "The reader copied K's value whole, before the eviction or before reclamation freed "
                    + "its chunk; B then reused the chunk.")
    @Outcome(id = "1, 1, 0", expect = ACCEPTABLE_INTERESTING,
            desc = "The guard at work: the reader was copying K when maintain() reclaimed, its announced "
                    + "epoch kept K's chunk retired, and B took another chunk of the page.")
    @Outcome(id = "0, 1, [01]", expect = ACCEPTABLE,
            desc = "The reader's get came after the eviction: a miss.")
    @Outcome(id = "9, .*", expect = FORBIDDEN,
            desc = "The reader returned B's value for K: K's chunk was freed and reused while the reader, "
                    + "having matched K's key in it, was still copying.")
    @Outcome(id = "-1, .*", expect = FORBIDDEN,
            desc = "Torn read: K's chunk was freed and rewritten mid-copy.")
    @Outcome(id = "-2, .*", expect = FORBIDDEN,
            desc = "A wrong value length: the reader read the header of a chunk freed (free-list link) or "
                    + "reused under it.")
    @Outcome(expect = FORBIDDEN,
            desc = "Not exactly one pressure eviction: maintain() did not evict K (the test no longer "
                    + "races what it names) or evicted B too.")
    @State
    public static class Pressure {
        /** Entry 1016 bytes, chunk 1184: three per page, so B finds room beside a retired K. */
        static final int VALUE_BYTES = 1000;
        static final MemorySegment K1 = RaceStores.value(1, VALUE_BYTES);
        static final MemorySegment B9 = RaceStores.value(9, VALUE_BYTES);

        final SlabKV kv = RaceStores.pages(1).watermarks(0.15, 0.10).build();
        final MemorySegment dst = MemorySegment.ofArray(new byte[VALUE_BYTES]);
        final long kAddress;

        public Pressure() {
            kv.put(K, K1);
            kAddress = RaceStores.valueAddress(kv, K);
        }

        @Actor
        public void reader(III_Result r) {
            r.r1 = RaceStores.valueOf(kv, K, dst, VALUE_BYTES);
        }

        @Actor
        public void evictor() {
            kv.maintain();
            kv.put(B, B9);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            try {
                r.r2 = (int) kv.stats().evictionsPressure();
                r.r3 = RaceStores.valueAddress(kv, B) == kAddress ? 1 : 0;
            } finally {
                kv.close();
            }
        }
    }

    @JCStressTest
    @Description("A reader gets K while the other actor puts B at the hard limit: the store has one page "
            + "and K's entry fills it, so the put evicts K inline (Evictor.makeRoom) and can only write B "
            + "into K's chunk, once the reader's critical section lets it be freed.")
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE,
            desc = "The reader copied K's value whole; the put evicted K and waited for the reader to leave "
                    + "its critical section (or came after it) before writing B over K's chunk.")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE,
            desc = "The reader's get came after the inline eviction: a miss.")
    @Outcome(id = "9, .*", expect = FORBIDDEN,
            desc = "The reader returned B's value for K: the put reused K's chunk while the reader was "
                    + "still copying from it.")
    @Outcome(id = "-1, .*", expect = FORBIDDEN,
            desc = "Torn read: the put wrote B over K's chunk mid-copy.")
    @Outcome(id = "-2, .*", expect = FORBIDDEN,
            desc = "A wrong value length: the reader read the header of K's chunk after it was freed or "
                    + "rewritten.")
    @Outcome(expect = FORBIDDEN,
            desc = "Not exactly one inline eviction, or B not in K's chunk: with one page there is no other "
                    + "memory, so either the limit leaks or the test no longer races what it names.")
    @State
    public static class Inline {
        static final MemorySegment K1 = RaceStores.value(1, RaceStores.PAGE_VALUE);
        static final MemorySegment B9 = RaceStores.value(9, RaceStores.PAGE_VALUE);

        final SlabKV kv = RaceStores.pages(1).build();
        final MemorySegment dst = MemorySegment.ofArray(new byte[RaceStores.PAGE_VALUE]);
        final long kAddress;

        public Inline() {
            kv.put(K, K1);
            kAddress = RaceStores.valueAddress(kv, K);
        }

        @Actor
        public void reader(III_Result r) {
            r.r1 = RaceStores.valueOf(kv, K, dst, RaceStores.PAGE_VALUE);
        }

        @Actor
        public void writer() {
            kv.put(B, B9);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            try {
                r.r2 = (int) kv.stats().evictionsInline();
                r.r3 = RaceStores.valueAddress(kv, B) == kAddress ? 1 : 0;
            } finally {
                kv.close();
            }
        }
    }
}
