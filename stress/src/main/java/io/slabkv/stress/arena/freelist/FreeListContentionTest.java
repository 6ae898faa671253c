package io.slabkv.stress.arena.freelist;

import io.slabkv.arena.ChunkHandle;
import io.slabkv.arena.SharedSlabAllocator;
import io.slabkv.stress.arena.TinyAllocators;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.Arrays;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Pushes and pops on one page's free list, under contention, never lose a chunk and never hold one
 * twice.
 *
 * <p>The list is a Treiber stack whose links live in the free chunks themselves, which their next
 * owner overwrites. Its head is a tagged word so that the ABA interleaving cannot corrupt it: a pop
 * reads head X and X's link Y, loses the CPU while the other thread pops X, pops Y and pushes X back
 * (X's link now points elsewhere, Y is in use), and must then fail its CAS instead of installing Y
 * as the head. Without the tag, Y would be handed out a second time, or the rest of the list lost.
 *
 * <p>Both tests use a one-page allocator of 512-byte chunks (eight on the page, all carved in the
 * constructor, so every later allocation comes from the free list), and account for every chunk in
 * the arbiter: allocation hands out what is left until it returns {@link ChunkHandle#NONE} (the
 * one-page limit leaves no fresh page to hide a lost chunk behind).
 */
public final class FreeListContentionTest {

    static final int CHUNK = 512;
    static final int CHUNKS = TinyAllocators.PAGE / CHUNK;
    static final int ROUNDS = 32;

    private FreeListContentionTest() {
    }

    /** Allocates every chunk of a one-page allocator, lowest offset first. */
    static long[] carvePage(SharedSlabAllocator a) {
        long[] all = new long[CHUNKS];
        for (int i = 0; i < CHUNKS; i++) {
            all[i] = a.allocate(CHUNK);
        }
        return all;
    }

    @JCStressTest
    @Description("All eight chunks of page 0 are free. Each actor runs " + ROUNDS + " rounds of: pop x, "
            + "pop y, push x, push y, which is the other side of the ABA interleaving for every pop of "
            + "the other actor (it pops X and Y and pushes X back while the other holds a stale head X "
            + "and link Y). Nothing is written into the chunks, to keep that sequence as short as it "
            + "gets; a lost or duplicated list entry shows in the arbiter's count.")
    @Outcome(id = "0, 0, 8, 8, 8", expect = ACCEPTABLE,
            desc = "No actor got NONE; the arbiter allocates the eight chunks, each once, and the page "
                    + "counts eight live chunks.")
    @Outcome(expect = FORBIDDEN,
            desc = "r1/r2 = NONEs an actor got (at most 4 of 8 chunks are ever taken, so any is a lost "
                    + "chunk); r3 = chunks the arbiter allocated (capped at 24), r4 = distinct among them, "
                    + "r5 = the page's live count after: r3 < 8 lost a chunk, r3 > r4 handed one out twice "
                    + "(duplicated or cyclic list), r5 != 8 the live count drifted.")
    @State
    public static class Churn {
        final SharedSlabAllocator a = TinyAllocators.shared(1);

        public Churn() {
            for (long h : carvePage(a)) {
                a.free(h);
            }
        }

        /** One actor's rounds; returns the number of allocations that got NONE. */
        int churn() {
            int none = 0;
            for (int i = 0; i < ROUNDS; i++) {
                long x = a.allocate(CHUNK);
                long y = a.allocate(CHUNK);
                if (x != ChunkHandle.NONE) {
                    a.free(x);
                } else {
                    none++;
                }
                if (y != ChunkHandle.NONE) {
                    a.free(y);
                } else {
                    none++;
                }
            }
            return none;
        }

        @Actor
        public void actor1(IIIII_Result r) {
            r.r1 = churn();
        }

        @Actor
        public void actor2(IIIII_Result r) {
            r.r2 = churn();
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            try {
                long[] seen = new long[3 * CHUNKS];
                int n = 0;
                long h;
                while (n < seen.length && (h = a.allocate(CHUNK)) != ChunkHandle.NONE) {
                    seen[n++] = h;
                }
                r.r3 = n;
                r.r4 = (int) Arrays.stream(seen, 0, n).distinct().count();
                r.r5 = a.liveChunks(0);
            } finally {
                a.close();
            }
        }
    }

    @JCStressTest
    @Description("Page 0 is carved out and chunk 0 alone is free; actor 1 frees chunk 1 (a push) while "
            + "actor 2 allocates (a pop). Guards push against pop: the pop gets chunk 0 or, if the push came "
            + "first, chunk 1 (the new head); whichever it did not get must still be on the list.")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "The pop came first and took chunk 0; chunk 1 is left on the list.")
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "The push came first; the pop took chunk 1; chunk 0 is left on the list.")
    @Outcome(expect = FORBIDDEN,
            desc = "r1 = chunk the pop got, r2 = chunk left on the list, r3 = chunks left: anything else loses a "
                    + "chunk, duplicates one, or hands out one that was not free.")
    @State
    public static class PushRacesPop {
        final SharedSlabAllocator a = TinyAllocators.shared(1);
        final long toFree;
        long popped = ChunkHandle.NONE;

        public PushRacesPop() {
            long[] all = carvePage(a);
            a.free(all[0]);
            toFree = all[1];
        }

        @Actor
        public void actor1() {
            a.free(toFree);
        }

        @Actor
        public void actor2() {
            long h = a.allocate(CHUNK);
            if (h != ChunkHandle.NONE) {
                TinyAllocators.fill(a, h, CHUNK, 0x2222_2222_2222_2222L);
            }
            popped = h;
        }

        @Arbiter
        public void arbiter(III_Result r) {
            try {
                r.r1 = TinyAllocators.index(a, popped, CHUNK);
                long left = a.allocate(CHUNK);
                r.r2 = TinyAllocators.index(a, left, CHUNK);
                int count = left == ChunkHandle.NONE ? 0 : 1;
                while (count < 2 * CHUNKS && a.allocate(CHUNK) != ChunkHandle.NONE) {
                    count++;
                }
                r.r3 = count;
            } finally {
                a.close();
            }
        }
    }
}
