package io.slabkv.arena;

/**
 * A critical section in which chunks read through the allocator stay valid: nothing retired while
 * it is open is reused before {@link #exit()}. Obtained from {@link SlabAllocator#enter()}; always
 * closed on the same thread, in a {@code finally} block. Sections nest.
 */
public abstract sealed class ReadGuard permits EpochReclaimer.Guard, ConfinedSlabAllocator.OwnerGuard {

    ReadGuard() {
    }

    /** Leaves the critical section. */
    public abstract void exit();
}
