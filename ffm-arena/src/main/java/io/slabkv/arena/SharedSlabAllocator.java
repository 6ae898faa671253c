package io.slabkv.arena;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static io.slabkv.arena.PageTable.LEAF_MASK;
import static io.slabkv.arena.PageTable.LEAF_SHIFT;

/**
 * A slab allocator any thread may use: allocation and free are lock-free on their common path
 * (atomic get-and-add and CAS on per-page words), page changes take a per-class monitor, and
 * {@link #retire(long)} defers reuse through an {@link EpochReclaimer}.
 */
public final class SharedSlabAllocator extends SlabAllocator {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    SharedSlabAllocator(Builder b, PageSource source) {
        super(b, source);
        if (source.confined()) {
            throw new IllegalArgumentException("page source '" + source.name()
                    + "' is confined to one thread; a shared allocator needs a shared source");
        }
    }

    @Override
    int gaaLive(int page, int delta) {
        return (int) INTS.getAndAdd(live[page >>> LEAF_SHIFT], page & LEAF_MASK, delta);
    }

    @Override
    boolean casLive(int page, int expect, int update) {
        return INTS.compareAndSet(live[page >>> LEAF_SHIFT], page & LEAF_MASK, expect, update);
    }

    @Override
    int gaaBump(int page, int delta) {
        return (int) INTS.getAndAdd(bump[page >>> LEAF_SHIFT], page & LEAF_MASK, delta);
    }

    @Override
    long lvFreeHead(int page) {
        return (long) LONGS.getVolatile(freeHead[page >>> LEAF_SHIFT], page & LEAF_MASK);
    }

    @Override
    boolean casFreeHead(int page, long expect, long update) {
        return LONGS.compareAndSet(freeHead[page >>> LEAF_SHIFT], page & LEAF_MASK, expect, update);
    }

    @Override
    int lvCurrent(int sizeClass) {
        return (int) INTS.getAcquire(current, sizeClass);
    }

    @Override
    void soCurrent(int sizeClass, int page) {
        INTS.setRelease(current, sizeClass, page);
    }

    @Override
    void checkAccess() {
        checkOpen();
    }

    @Override
    public ReadGuard enter() {
        return reclaimer.enter();
    }

    @Override
    public void retire(long handle) {
        checkOpen();
        // Check now, not when the grace period ends: a bad handle used to wait in the limbo list and
        // throw later out of whichever thread reclaimed it (an unrelated allocate), dropping the rest
        // of that reclaim batch (retired memory leaked for good).
        checkHandle(handle);
        reclaimer.retireChunk(handle, chunkSize(handle));
    }

    @Override
    void retirePage(int page) {
        reclaimer.retirePage(page);
    }

    /** The epoch reclaimer behind {@link #retire(long)}, for tests and maintenance. */
    public EpochReclaimer reclaimer() {
        return reclaimer;
    }
}
