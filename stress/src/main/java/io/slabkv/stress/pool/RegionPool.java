package io.slabkv.stress.pool;

import io.slabkv.arena.PageSource;
import io.slabkv.arena.Region;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The page source of the jcstress stores (io.slabkv.stress.index and io.slabkv.stress.race): regions
 * carved once from {@link Arena#global()} and handed back for the next store when one closes.
 *
 * <p>jcstress builds a store per sample. With the default source, each opens a shared arena per
 * region and closes it in the arbiter, and closing a shared arena is a handshake with every
 * thread: with it, opening a test store, putting an entry and closing the store took 50 to 130 us,
 * against 25 to 40 us with this pool (measured when the index still had an arena of its own; it is a
 * region of this source too now). A recycled region still holds the bytes of the store before,
 * which the {@link PageSource} contract allows ("zero-or-garbage": the index zeroes its table, and
 * every test writes what it reads); the memory held is bounded by the stores open at once. (The
 * close test does not use it: it needs the real arena, whose memory is gone after close.)
 */
public final class RegionPool implements PageSource {

    public static final RegionPool INSTANCE = new RegionPool();

    private final Map<Long, Queue<MemorySegment>> spare = new ConcurrentHashMap<>();

    private RegionPool() {
    }

    @Override
    public Region reserve(long bytes, long alignment) {
        Queue<MemorySegment> queue = spare.computeIfAbsent(bytes, b -> new ConcurrentLinkedQueue<>());
        MemorySegment memory = queue.poll();
        if (memory == null || memory.address() % alignment != 0) {
            memory = Arena.global().allocate(bytes, alignment);
        }
        return new Pooled(memory, queue);
    }

    @Override
    public boolean confined() {
        return false;
    }

    @Override
    public String name() {
        return "jcstress-region-pool";
    }

    /** A region that goes back to its queue when the store releases it. */
    private record Pooled(MemorySegment memory, Queue<MemorySegment> queue) implements Region {
        @Override
        public void release() {
            queue.add(memory);
        }
    }
}
