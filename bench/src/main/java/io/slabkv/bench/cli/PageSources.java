package io.slabkv.bench.cli;

import io.slabkv.SlabKV;
import io.slabkv.arena.ConfinedArenaPageSource;
import io.slabkv.arena.PageSource;
import io.slabkv.arena.SharedArenaPageSource;
import io.slabkv.nativemem.MmapPageSource;

/** The page sources {@code --page-source} names. */
final class PageSources {

    private PageSources() {
    }

    /**
     * The source called {@code name} ({@code arena} or {@code mmap}) for a shared or a confined store.
     * Call on the thread that builds the store: a confined source belongs to it.
     *
     * @throws CommandException when this machine cannot provide it (mmap off Linux, native access denied)
     */
    static PageSource create(String name, boolean confined) throws CommandException {
        return switch (name) {
            case "arena" -> confined ? ConfinedArenaPageSource.INSTANCE : SharedArenaPageSource.INSTANCE;
            case "mmap" -> {
                try {
                    yield MmapPageSource.builder().threadConfined(confined).build();
                } catch (UnsupportedOperationException | IllegalCallerException e) {
                    throw new CommandException("--page-source mmap is not available here: " + e.getMessage(),
                            Main.EXIT_USAGE);
                }
            }
            default -> throw new IllegalArgumentException("page source " + name);
        };
    }

    /** A builder for a store with this source, limit and index size. */
    static SlabKV.Builder builder(String source, boolean confined, long limit, long expectedEntries)
            throws CommandException {
        SlabKV.Builder b = SlabKV.builder().memoryLimit(limit).expectedEntries(expectedEntries)
                .pageSource(create(source, confined));
        return confined ? b.confined() : b.shared();
    }
}
