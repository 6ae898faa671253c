package io.slabkv.arena;

/**
 * Where the allocator's memory comes from. Implementations: {@link SharedArenaPageSource} (a
 * shared {@code Arena} per region, any thread), {@link ConfinedArenaPageSource} (a confined
 * {@code Arena} per region, the owner thread only), and the mmap-backed source of the
 * {@code native} module.
 *
 * <p>Reserving a region is a slow, rare operation (tens of MiB at a time); releasing one may cost
 * a handshake with every thread (closing a shared arena), so the allocator does it only when the
 * memory limit shrinks or the allocator closes.
 */
public interface PageSource {

    /**
     * Reserves {@code bytes} of zero-or-garbage memory aligned to at least {@code alignment}.
     *
     * @throws OutOfMemoryError when the operating system refuses the memory; the message names the
     *         size and the source
     */
    Region reserve(long bytes, long alignment);

    /** Whether regions of this source may only be touched by the thread that reserved them. */
    boolean confined();

    /** A short human-readable name, for statistics and error messages. */
    String name();
}
