package io.slabkv.stress.arena.alloc;

import io.slabkv.arena.ChunkHandle;
import io.slabkv.arena.SharedSlabAllocator;
import io.slabkv.stress.arena.TinyAllocators;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two threads allocate at once from one {@link SharedSlabAllocator}: the allocator must never hand
 * one chunk, or two overlapping chunks, to both.
 *
 * <p>Each test sets a {@link TinyAllocators tiny allocator} up so that the two allocations meet at
 * one of the allocator's lock-free decision points: the last bump of a page, the refill of an
 * exhausted current page (under the class monitor, with a stale reader of the current-page word),
 * a free-list pop, and the memory limit. Both actors allocate a 1024-byte chunk (four per page)
 * and fill it with their own pattern.
 *
 * <p>Result: {@code r1}, {@code r2} = the index of the chunk actor 1 and actor 2 got ({@code page *
 * 4 + offset / 1024}; -1 for {@link ChunkHandle#NONE}); {@code r3} = 1 when the two chunks overlap
 * or either chunk no longer holds its owner's pattern after both actors are done, else 0.
 * Every outcome not listed is forbidden: a chunk handed out twice, a chunk lost or skipped (an
 * index other than the one free place), or a refusal while memory was free.
 */
public final class ConcurrentAllocationTest {

    static final int CHUNK = 1024;
    static final long PATTERN_1 = 0x1111_1111_1111_1111L;
    static final long PATTERN_2 = 0x2222_2222_2222_2222L;

    private ConcurrentAllocationTest() {
    }

    /** An allocator of {@code pages} pages where {@code carved} chunks were allocated and {@code freed} of them freed. */
    abstract static class TwoAllocations {
        final SharedSlabAllocator a;
        long h1 = ChunkHandle.NONE;
        long h2 = ChunkHandle.NONE;

        TwoAllocations(int pages, int carved, int... freed) {
            a = TinyAllocators.shared(pages);
            long[] setup = new long[carved];
            for (int i = 0; i < carved; i++) {
                setup[i] = a.allocate(CHUNK);
            }
            for (int i : freed) {
                a.free(setup[i]);
            }
        }

        final void allocate1() {
            long h = a.allocate(CHUNK);
            if (h != ChunkHandle.NONE) {
                TinyAllocators.fill(a, h, CHUNK, PATTERN_1);
            }
            h1 = h;
        }

        final void allocate2() {
            long h = a.allocate(CHUNK);
            if (h != ChunkHandle.NONE) {
                TinyAllocators.fill(a, h, CHUNK, PATTERN_2);
            }
            h2 = h;
        }

        final void judge(III_Result r) {
            try {
                r.r1 = TinyAllocators.index(a, h1, CHUNK);
                r.r2 = TinyAllocators.index(a, h2, CHUNK);
                boolean clash = TinyAllocators.overlap(a, h1, CHUNK, h2, CHUNK)
                        || (h1 != ChunkHandle.NONE && !TinyAllocators.holds(a, h1, CHUNK, PATTERN_1))
                        || (h2 != ChunkHandle.NONE && !TinyAllocators.holds(a, h2, CHUNK, PATTERN_2));
                r.r3 = clash ? 1 : 0;
            } finally {
                a.close();
            }
        }
    }

    @JCStressTest
    @Description("Page 0 has one chunk left to carve (index 3). Guards the bump race: both actors "
            + "get-and-add the page's bump word; exactly one may win offset 3072, the other must find the "
            + "page exhausted and refill to page 1 (index 4), never carve 3072 as well.")
    @Outcome(id = {"3, 4, 0", "4, 3, 0"}, expect = ACCEPTABLE,
            desc = "One actor carved the last chunk of page 0, the other the first chunk of page 1.")
    @Outcome(expect = FORBIDDEN,
            desc = "Both got one chunk (equal indices), the chunks overlap or were overwritten, or the last chunk of page 0 was skipped.")
    @State
    public static class LastChunkOfPage extends TwoAllocations {
        public LastChunkOfPage() {
            super(4, 3);
        }

        @Actor
        public void actor1() {
            allocate1();
        }

        @Actor
        public void actor2() {
            allocate2();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            judge(r);
        }
    }

    @JCStressTest
    @Description("Page 0 is exhausted but still the class's current page. Guards the refill race: both "
            + "actors fail on page 0 and call refill; the loser takes the class monitor after the winner "
            + "installed page 1 and must see that (not take a second page, not reuse page 0), then both carve "
            + "distinct chunks of page 1 (indices 4 and 5).")
    @Outcome(id = {"4, 5, 0", "5, 4, 0"}, expect = ACCEPTABLE,
            desc = "One refill, two distinct chunks of page 1.")
    @Outcome(expect = FORBIDDEN,
            desc = "A chunk handed out twice, overlapping or overwritten chunks, or a chunk outside page 1.")
    @State
    public static class ExhaustedPage extends TwoAllocations {
        public ExhaustedPage() {
            super(4, 4);
        }

        @Actor
        public void actor1() {
            allocate1();
        }

        @Actor
        public void actor2() {
            allocate2();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            judge(r);
        }
    }

    @JCStressTest
    @Description("A one-page allocator with one chunk left (index 3). Guards the limit: the winner of the "
            + "bump gets it, the loser must get NONE (the pool is empty, nothing is retired), not the same chunk.")
    @Outcome(id = {"3, -1, 0", "-1, 3, 0"}, expect = ACCEPTABLE,
            desc = "One actor got the last chunk, the other NONE.")
    @Outcome(expect = FORBIDDEN,
            desc = "Both got the last chunk, both got NONE (a chunk lost), or a chunk beyond the limit.")
    @State
    public static class LastChunkUnderLimit extends TwoAllocations {
        public LastChunkUnderLimit() {
            super(1, 3);
        }

        @Actor
        public void actor1() {
            allocate1();
        }

        @Actor
        public void actor2() {
            allocate2();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            judge(r);
        }
    }

    @JCStressTest
    @Description("Page 0 is carved out; chunks 1 and then 2 were freed, so its free list is 2 -> 1. "
            + "Guards concurrent pops: each CAS on the tagged head must take a distinct chunk; a pop that "
            + "read the head before the other's CAS must fail and retry, never return the same chunk.")
    @Outcome(id = {"1, 2, 0", "2, 1, 0"}, expect = ACCEPTABLE,
            desc = "Each actor popped one of the two free chunks.")
    @Outcome(expect = FORBIDDEN,
            desc = "Both popped the same chunk, a free chunk was skipped for a fresh page, or chunks overlap.")
    @State
    public static class TwoFreeChunks extends TwoAllocations {
        public TwoFreeChunks() {
            super(4, 4, 1, 2);
        }

        @Actor
        public void actor1() {
            allocate1();
        }

        @Actor
        public void actor2() {
            allocate2();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            judge(r);
        }
    }

    @JCStressTest
    @Description("Page 0 is carved out and chunk 1 alone is free. Guards the pop-or-refill race: one actor "
            + "pops chunk 1; the other finds the list empty after a failed CAS and refills to page 1 "
            + "(index 4); neither may get chunk 1 a second time.")
    @Outcome(id = {"1, 4, 0", "4, 1, 0"}, expect = ACCEPTABLE,
            desc = "One popped chunk 1, the other carved the first chunk of page 1.")
    @Outcome(expect = FORBIDDEN,
            desc = "Chunk 1 handed out twice, chunk 1 left unused, or overlapping chunks.")
    @State
    public static class OneFreeChunk extends TwoAllocations {
        public OneFreeChunk() {
            super(4, 4, 1);
        }

        @Actor
        public void actor1() {
            allocate1();
        }

        @Actor
        public void actor2() {
            allocate2();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            judge(r);
        }
    }

    @JCStressTest
    @Description("A two-page allocator, both pages carved out; chunk 1 on page 0 was freed, which filed "
            + "page 0 as partial; page 1 is the exhausted current page. Guards refill from the partial "
            + "list: the refill winner makes page 0 current again, one actor pops chunk 1, the other finds "
            + "page 0 exhausted too and, with the pool empty, gets NONE.")
    @Outcome(id = {"1, -1, 0", "-1, 1, 0"}, expect = ACCEPTABLE,
            desc = "Page 0 came back from the partial list; one actor got its free chunk, the other NONE.")
    @Outcome(expect = FORBIDDEN,
            desc = "Chunk 1 handed out twice, lost (both NONE), or a chunk that was never free.")
    @State
    public static class PartialPageRefill extends TwoAllocations {
        public PartialPageRefill() {
            super(2, 8, 1);
        }

        @Actor
        public void actor1() {
            allocate1();
        }

        @Actor
        public void actor2() {
            allocate2();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            judge(r);
        }
    }
}
