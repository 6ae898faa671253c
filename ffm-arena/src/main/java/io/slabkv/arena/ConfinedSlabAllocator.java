package io.slabkv.arena;

import static io.slabkv.arena.PageTable.LEAF_MASK;
import static io.slabkv.arena.PageTable.LEAF_SHIFT;

/**
 * A slab allocator owned by one thread: plain loads, stores and adds where the shared variant
 * uses atomics, retired chunks freed at once (its one thread is not reading while it retires), and
 * every call from another thread refused with a {@link WrongThreadException} naming both threads.
 * Its default page source is confined arenas, so the JDK checks page access the same way.
 */
public final class ConfinedSlabAllocator extends SlabAllocator {

    private final Thread owner;
    private final OwnerGuard guard = new OwnerGuard();

    ConfinedSlabAllocator(Builder b, PageSource source, Thread owner) {
        super(b, source);
        this.owner = owner;
    }

    @Override
    int gaaLive(int page, int delta) {
        int v = live[page >>> LEAF_SHIFT][page & LEAF_MASK];
        live[page >>> LEAF_SHIFT][page & LEAF_MASK] = v + delta;
        return v;
    }

    @Override
    boolean casLive(int page, int expect, int update) {
        if (live[page >>> LEAF_SHIFT][page & LEAF_MASK] != expect) {
            return false;
        }
        live[page >>> LEAF_SHIFT][page & LEAF_MASK] = update;
        return true;
    }

    @Override
    int gaaBump(int page, int delta) {
        int v = bump[page >>> LEAF_SHIFT][page & LEAF_MASK];
        bump[page >>> LEAF_SHIFT][page & LEAF_MASK] = v + delta;
        return v;
    }

    @Override
    long lvFreeHead(int page) {
        return freeHead[page >>> LEAF_SHIFT][page & LEAF_MASK];
    }

    @Override
    boolean casFreeHead(int page, long expect, long update) {
        if (freeHead[page >>> LEAF_SHIFT][page & LEAF_MASK] != expect) {
            return false;
        }
        freeHead[page >>> LEAF_SHIFT][page & LEAF_MASK] = update;
        return true;
    }

    @Override
    int lvCurrent(int sizeClass) {
        return current[sizeClass];
    }

    @Override
    void soCurrent(int sizeClass, int page) {
        current[sizeClass] = page;
    }

    @Override
    void checkAccess() {
        checkOpen();
        Thread t = Thread.currentThread();
        if (t != owner) {
            throw new WrongThreadException("this confined allocator belongs to thread '" + owner.getName()
                    + "'; it was called from thread '" + t.getName() + "'");
        }
    }

    @Override
    public ReadGuard enter() {
        return guard;
    }

    @Override
    public void retire(long handle) {
        checkAccess();
        freeNow(handle);
    }

    @Override
    void retirePage(int page) {
        toPool(page);
    }

    /**
     * Releases every region; only the owner thread may close. Checked before the base class marks
     * the allocator closed: a confined region refuses to be closed from another thread, so
     * without this check a close from the wrong thread marked the allocator closed, then failed
     * inside the first arena's close, leaving every region reserved for good (the owner's close
     * then returned early).
     */
    @Override
    public void close() {
        if (!isClosed()) {
            checkAccess();
        }
        super.close();
    }

    /** The owner thread. */
    public Thread owner() {
        return owner;
    }

    /** A critical section of the owner thread: nothing to announce, since nobody else reads. */
    static final class OwnerGuard extends ReadGuard {
        @Override
        public void exit() {
        }
    }
}
