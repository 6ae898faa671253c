package io.slabkv.stress.index;

import io.slabkv.SlabKV;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.MemorySegment;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Hazard 2 of DESIGN.md: a reader must never copy a value out of a chunk that is freed and reused
 * under it.
 *
 * <p>The interleaving guarded against: the reader loads the slot of key A and finds A's entry in
 * chunk c; the writer replaces A's value (c is retired), runs maintenance (the epoch moves on, c is
 * freed to its class's free list) and writes a new entry that the allocator places in c, the most
 * recently freed chunk of that size; the reader, still copying from c, gets half of one value and
 * half of another, or (when c now holds key B) B's bytes under A's name. The epoch scheme forbids it:
 * c is freed only two epochs after its retirement, and the reader's announced epoch holds the clock
 * back until its copy is done.
 *
 * <p>Every value is {@value #VALUE_BYTES} bytes of one repeated byte (A's versions 1, 2, 3; B's
 * value 9), all in one size class, so each write after a maintenance run reuses the chunk the
 * previous one retired. The writer: put A=2, maintain, put A=3, maintain, remove A, maintain, put
 * B=9; alone, it carves two chunks (A=1 in the setup, A=2) and reuses two (A=3 reuses A=1's, B reuses
 * it again after A=3 is removed). Result: {@code r1} what the reader's get of A
 * found (0 a miss, 1 to 3 a complete version of A, 9 B's value, -1 a mix of bytes, -2 a wrong
 * length); {@code r2} chunks the writer got from a free list (reuses).
 */
public final class ReadReuseTest {

    /** With the 8-byte header and key, an entry of 512 bytes: long enough to copy that a reuse tears it. */
    static final int VALUE_BYTES = 496;
    static final long A = 7, B = 8;
    static final MemorySegment A1 = TinyStores.value(1, VALUE_BYTES);
    static final MemorySegment A2 = TinyStores.value(2, VALUE_BYTES);
    static final MemorySegment A3 = TinyStores.value(3, VALUE_BYTES);
    static final MemorySegment B9 = TinyStores.value(9, VALUE_BYTES);

    private ReadReuseTest() {
    }

    @JCStressTest
    @Description("A reader gets key A while a writer overwrites A twice, removes it and inserts B, running "
            + "maintenance between writes so each retired chunk is freed and reused by the next write.")
    @Outcome(id = {"1, 2", "2, 2", "3, 2"}, expect = ACCEPTABLE,
            desc = "The reader copied a complete version of A. Its critical section did not hold back any "
                    + "reclamation: both writes that follow a free reused the freed chunk.")
    @Outcome(id = {"1, [01]", "2, [01]", "3, [01]"}, expect = ACCEPTABLE_INTERESTING,
            desc = "The guard at work: the reader copied a complete version of A while its announced epoch "
                    + "kept a retired chunk (possibly the one it was reading) from being freed, so some of "
                    + "the writer's allocations carved fresh memory instead of reusing it.")
    @Outcome(id = "0, [0-2]", expect = ACCEPTABLE,
            desc = "The reader's get came after the writer removed A: a miss.")
    @Outcome(id = "9, .*", expect = FORBIDDEN,
            desc = "The reader returned B's value for A: A's chunk was reused for B while the reader, "
                    + "having matched A's key in it, was still copying.")
    @Outcome(id = "-1, .*", expect = FORBIDDEN,
            desc = "Torn read: the reader's chunk was freed and rewritten with another value mid-copy.")
    @Outcome(id = "-2, .*", expect = FORBIDDEN,
            desc = "A wrong value length: the reader read the header of a chunk freed under it (a free-list "
                    + "link overwrites its first word). With retire() made to free at once, this shows up "
                    + "in sanity mode.")
    @Outcome(expect = FORBIDDEN, desc = "An impossible reuse count.")
    @State
    public static class OverwriteRemoveReinsert {
        final SlabKV kv = TinyStores.open();
        final MemorySegment dst = MemorySegment.ofArray(new byte[VALUE_BYTES]);

        public OverwriteRemoveReinsert() {
            kv.put(A, A1);
        }

        @Actor
        public void reader(II_Result r) {
            r.r1 = TinyStores.valueOf(kv, A, dst, VALUE_BYTES);
        }

        @Actor
        public void writer() {
            kv.put(A, A2);
            kv.maintain();
            kv.put(A, A3);
            kv.maintain();
            kv.remove(A);
            kv.maintain();
            kv.put(B, B9);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            try {
                r.r2 = (int) kv.stats().allocator().reuses();
            } finally {
                kv.close();
            }
        }
    }
}
