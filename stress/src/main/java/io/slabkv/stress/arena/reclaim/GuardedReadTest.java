package io.slabkv.stress.arena.reclaim;

import io.slabkv.arena.ChunkHandle;
import io.slabkv.arena.ReadGuard;
import io.slabkv.arena.SharedSlabAllocator;
import io.slabkv.stress.arena.TinyAllocators;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A chunk retired while a reader is inside a {@link ReadGuard} is not reused, nor its page given to
 * another class, until that reader has left the guard.
 *
 * <p>The tests model the engine's read path: a volatile {@code slot} stands for an index slot that
 * names a 4096-byte chunk filled with a known pattern. The reader enters a guard, reads the slot,
 * and if it names the chunk, checks every word of it (last to first), then exits. The writer unlinks the chunk
 * (clears the slot), retires it, reclaims, and allocates again, filling what it gets with another
 * pattern. The interleaving guarded against: the reader loads the handle, the writer unlinks,
 * retires and reclaims, the chunk is freed (its first word becomes a free-list link) and handed
 * out again, and the reader copies out another owner's bytes.
 *
 * <p>Result: {@code r1} (reader) = 0 if the slot was already empty, 1 if it read the whole chunk
 * intact, 2 if it saw any word change while inside its guard; {@code r2} (writer) = 0 if its
 * allocation got {@link ChunkHandle#NONE}, 1 if it got memory overlapping the retired chunk
 * (reuse), 2 if it got other memory. The allocators are sized so that reuse is the only way to
 * get memory: a writer that gets none was held back by the reader's guard.
 */
public final class GuardedReadTest {

    static final int CHUNK = 4096;
    static final long OLD = 0x0A0A_0A0A_0A0A_0A0AL;
    static final long NEW = 0x0B0B_0B0B_0B0B_0B0BL;

    private GuardedReadTest() {
    }

    /** The index slot, the retired chunk, and the read and write sides of the race. */
    abstract static class ReaderWriter {
        final SharedSlabAllocator a;
        final long retired;
        volatile long slot;

        ReaderWriter(int pages) {
            a = TinyAllocators.shared(pages);
            retired = a.allocate(CHUNK);
            TinyAllocators.fill(a, retired, CHUNK, OLD);
            slot = retired;
        }

        final void read(II_Result r) {
            ReadGuard g = a.enter();
            try {
                long h = slot; // volatile load, after the guard's announcement
                if (h == ChunkHandle.NONE) {
                    r.r1 = 0;
                } else {
                    r.r1 = holdsLastToFirst(h) ? 1 : 2;
                }
            } finally {
                g.exit();
            }
        }

        /**
         * Whether every word of the chunk still holds {@link #OLD}, reading the last word first: the
         * words a free or a reuse overwrites first (the free-list link, the start of a smaller chunk)
         * are read last, so the whole copy is the window in which an early reuse shows.
         */
        private boolean holdsLastToFirst(long h) {
            MemorySegment page = a.segment(h);
            long base = a.offset(h);
            for (long i = CHUNK - 8; i >= 0; i -= 8) {
                if (page.get(ValueLayout.JAVA_LONG_UNALIGNED, base + i) != OLD) {
                    return false;
                }
            }
            return true;
        }

        /** Unlinks, retires and reclaims the chunk, then allocates {@code size} bytes. */
        final void replace(II_Result r, int size) {
            slot = ChunkHandle.NONE; // unlink before retire: readers that enter from now on cannot find it
            a.retire(retired);
            a.reclaim();
            long h = a.allocate(size);
            if (h == ChunkHandle.NONE) {
                r.r2 = 0;
            } else {
                TinyAllocators.fill(a, h, size, NEW);
                r.r2 = TinyAllocators.overlap(a, h, size, retired, CHUNK) ? 1 : 2;
            }
        }
    }

    @JCStressTest
    @Description("A one-page allocator whose only chunk is retired and, once the epoch allows, reused "
            + "for the writer's next chunk of the same class. Guards chunk reuse under a reader's guard.")
    @Outcome(id = {"0, 0", "0, 1"}, expect = ACCEPTABLE,
            desc = "The reader entered after the unlink and found the slot empty; the writer reused the "
                    + "chunk, or got nothing because the reader's guard held the epoch back.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE,
            desc = "The reader read the chunk intact and left its guard before the writer reclaimed it; "
                    + "then the writer reused it.")
    @Outcome(id = "1, 0", expect = ACCEPTABLE_INTERESTING,
            desc = "The guard at work: the reader was reading the chunk when the writer reclaimed, so the "
                    + "chunk stayed retired and the writer's allocation found no memory.")
    @Outcome(id = "2, .*", expect = FORBIDDEN,
            desc = "The chunk was freed or reused while the reader was inside its guard: it read a free-list "
                    + "link or the writer's bytes.")
    @Outcome(expect = FORBIDDEN, desc = "The writer got memory that is not the retired chunk: the limit leaks.")
    @State
    public static class ChunkReuse extends ReaderWriter {
        public ChunkReuse() {
            super(1);
        }

        @Actor
        public void reader(II_Result r) {
            read(r);
        }

        @Actor
        public void writer(II_Result r) {
            replace(r, CHUNK);
        }

        @Arbiter
        public void arbiter() {
            a.close();
        }
    }

    @JCStressTest
    @Description("A two-page allocator: page 0 holds the retired 4096-byte chunk and is no longer current, "
            + "page 1 holds another, the pool is empty. Freeing the retired chunk empties page 0, which is "
            + "recycled through a second grace period to the pool, where the writer's 512-byte allocation "
            + "(another size class) takes it. Guards page recycling under a reader's guard.")
    @Outcome(id = {"0, 0", "0, 1"}, expect = ACCEPTABLE,
            desc = "The reader entered after the unlink and found the slot empty; the writer got page 0 "
                    + "for the other class, or nothing because the reader's guard held the epoch back.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE,
            desc = "The reader read the chunk intact and left its guard before the page was recycled; then "
                    + "the writer got page 0.")
    @Outcome(id = "1, 0", expect = ACCEPTABLE_INTERESTING,
            desc = "The guard at work: the reader was reading when the writer reclaimed, so the chunk and "
                    + "its page stayed out of the pool and the writer found no memory.")
    @Outcome(id = "2, .*", expect = FORBIDDEN,
            desc = "The page was recycled under the reader: it read a free-list link or the other class's bytes.")
    @Outcome(expect = FORBIDDEN, desc = "The writer got memory other than page 0: the limit leaks.")
    @State
    public static class PageRecycle extends ReaderWriter {
        public PageRecycle() {
            super(2);
            a.allocate(CHUNK); // page 1; page 0, exhausted, is filed as full
        }

        @Actor
        public void reader(II_Result r) {
            read(r);
        }

        @Actor
        public void writer(II_Result r) {
            replace(r, 512);
        }

        @Arbiter
        public void arbiter() {
            a.close();
        }
    }
}
