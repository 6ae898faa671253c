package io.slabkv.arena;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The default page source: each region is one {@link Arena#ofShared() shared arena}, so any thread
 * may use its pages. Closing a shared arena costs a handshake with every thread, which is why the
 * allocator releases regions rarely and never on an operation's path.
 */
public final class SharedArenaPageSource implements PageSource {

    public static final SharedArenaPageSource INSTANCE = new SharedArenaPageSource();

    private SharedArenaPageSource() {
    }

    @Override
    public Region reserve(long bytes, long alignment) {
        Arena arena = Arena.ofShared();
        try {
            return new ArenaRegion(arena, arena.allocate(bytes, alignment));
        } catch (OutOfMemoryError | RuntimeException e) {
            arena.close();
            throw new OutOfMemoryError("shared-arena page source could not reserve a region of "
                    + bytes + " bytes: " + e);
        }
    }

    @Override
    public boolean confined() {
        return false;
    }

    @Override
    public String name() {
        return "shared-arena";
    }

    /** A region that owns its arena. */
    record ArenaRegion(Arena arena, MemorySegment memory) implements Region {
        @Override
        public void release() {
            arena.close();
        }
    }
}
