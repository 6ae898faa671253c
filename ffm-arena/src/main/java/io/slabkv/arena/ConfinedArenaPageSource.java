package io.slabkv.arena;

import java.lang.foreign.Arena;

/**
 * A page source for a store owned by one thread: each region is a
 * {@link Arena#ofConfined() confined arena}, so the JDK itself refuses any access from another
 * thread (a {@link WrongThreadException}) and closing a region needs no handshake.
 */
public final class ConfinedArenaPageSource implements PageSource {

    public static final ConfinedArenaPageSource INSTANCE = new ConfinedArenaPageSource();

    private ConfinedArenaPageSource() {
    }

    @Override
    public Region reserve(long bytes, long alignment) {
        Arena arena = Arena.ofConfined();
        try {
            return new SharedArenaPageSource.ArenaRegion(arena, arena.allocate(bytes, alignment));
        } catch (OutOfMemoryError | RuntimeException e) {
            arena.close();
            throw new OutOfMemoryError("confined-arena page source could not reserve a region of "
                    + bytes + " bytes: " + e);
        }
    }

    @Override
    public boolean confined() {
        return true;
    }

    @Override
    public String name() {
        return "confined-arena";
    }
}
