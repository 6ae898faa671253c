package io.slabkv.stress.arena;

import io.slabkv.arena.PageSource;
import io.slabkv.arena.Region;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A page source for jcstress states. jcstress builds a fresh state, so a fresh allocator, for every
 * sample: millions per test. With the default source each would open a shared arena and close it
 * again, and closing a shared arena is a handshake with every thread (and deoptimisation), enough to
 * drown the race under test. This source carves regions out of {@link Arena#global()} once and keeps
 * them: {@link Region#release()} (the allocator's {@code close()}, in the arbiter, after every actor
 * is done with the state) puts a region back for the next state.
 *
 * <p>A recycled region still holds the previous state's bytes, which the {@link PageSource}
 * contract allows ("zero-or-garbage"): the tests write every byte they later check. Memory taken
 * stays bounded by the number of states alive at once, which jcstress bounds by its heap budget.
 */
public final class RecyclingPageSource implements PageSource {

    public static final RecyclingPageSource INSTANCE = new RecyclingPageSource();

    private final ConcurrentHashMap<Long, Queue<MemorySegment>> spare = new ConcurrentHashMap<>();

    private RecyclingPageSource() {
    }

    @Override
    public Region reserve(long bytes, long alignment) {
        Queue<MemorySegment> home = spare.computeIfAbsent(bytes, b -> new ConcurrentLinkedQueue<>());
        MemorySegment memory = home.poll();
        if (memory == null || memory.address() % alignment != 0) {
            memory = Arena.global().allocate(bytes, alignment);
        }
        return new RecycledRegion(memory, home);
    }

    @Override
    public boolean confined() {
        return false;
    }

    @Override
    public String name() {
        return "jcstress-recycling";
    }

    /** A region that goes back to its queue when the allocator releases it. */
    private record RecycledRegion(MemorySegment memory, Queue<MemorySegment> home) implements Region {
        @Override
        public void release() {
            home.add(memory);
        }
    }
}
