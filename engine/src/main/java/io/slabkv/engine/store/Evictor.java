package io.slabkv.engine.store;

import io.slabkv.arena.ReadGuard;
import io.slabkv.arena.SlabAllocator;
import io.slabkv.engine.entry.EntryLayout;
import io.slabkv.engine.evict.AccessClock;
import io.slabkv.engine.evict.EvictionPolicy;
import io.slabkv.engine.evict.VictimPool;
import io.slabkv.engine.index.OffHeapIndex;
import io.slabkv.engine.index.SlotWord;

/**
 * Finds and evicts victims by sampling, and empties pages for a starving size class. One per
 * evicting thread (the monitor has one; a put that evicts inline uses its thread's own): the victim
 * pool and the random state are not shared.
 *
 * <p>Sampling reads a few random buckets (one cache line each) and offers their live entries to a
 * {@link VictimPool} scored by the store's {@link EvictionPolicy}; the pool carries good candidates
 * across rounds. No global LRU list exists, so a get never has to write one.
 */
final class Evictor {

    static final int SAMPLE_BUCKETS = 4;
    private final Store store;
    private final OffHeapIndex index;
    private final SlabAllocator allocator;
    private final EvictionPolicy policy;
    private final AccessClock clock;
    private final VictimPool pool = new VictimPool();
    private int poolClass = -2;
    private long seed;

    Evictor(Store store, long seed) {
        this.store = store;
        this.index = store.index();
        this.allocator = store.allocator();
        this.policy = store.policy();
        this.clock = store.clock();
        this.seed = seed | 1;
    }

    private long random() {
        long x = seed; // xorshift64
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return seed = x;
    }

    /**
     * Evicts up to {@code count} entries, only of size class {@code sizeClass} when it is not -1.
     *
     * @return bytes of chunks freed (after their grace period)
     */
    long evict(int count, int sizeClass, EvictionCause cause) {
        if (sizeClass != poolClass) {
            pool.clear();
            poolClass = sizeClass;
        }
        long freed = 0;
        for (int n = 0, rounds = 0; n < count && rounds < count * 4 + 8; rounds++) {
            // One short critical section per victim: a long one would hold the epoch back, and the
            // chunks this and every other thread retire would wait for it.
            ReadGuard guard = allocator.enter();
            try {
                sample(sizeClass);
                int best = pool.best();
                if (best < 0) {
                    continue;
                }
                long slot = pool.slot(best);
                long word = pool.word(best);
                pool.remove(best);
                int bytes = store.evictAt(slot, word, cause);
                if (bytes > 0) {
                    freed += bytes;
                    n++;
                }
            } finally {
                guard.exit();
            }
        }
        return freed;
    }

    private void sample(int sizeClass) {
        long buckets = index.buckets();
        for (int i = 0; i < SAMPLE_BUCKETS; i++) {
            long b = Math.floorMod(random(), buckets);
            for (int s = 1; s <= OffHeapIndex.BUCKET_SLOTS; s++) {
                long slot = OffHeapIndex.slot(b, s);
                long w = index.laSlot(slot);
                if (!SlotWord.isFull(w)) {
                    continue;
                }
                long h = SlotWord.handle(w);
                int page = (int) (h >>> allocator.pageShift());
                int c = allocator.pageClass(page);
                if (c < 0 || (sizeClass >= 0 && c != sizeClass)) {
                    continue;
                }
                var seg = allocator.segment(h);
                long e = allocator.offset(h);
                int hint = EntryLayout.access(seg, e);
                pool.offer(slot, w, policy.score(hint, clock.age(hint), allocator.sizeClasses().chunkSize(c)));
            }
        }
    }

    /**
     * Makes room for a chunk of {@code sizeClass} at the hard limit. Samples victims over all
     * classes; if the best one is of {@code sizeClass}, evicts it (its chunk is what the put needs).
     * Otherwise the cheapest memory to give up lies in another class: empties the page, among a few
     * sampled pages of that class, with the fewest live chunks, so it returns to the pool for
     * {@code sizeClass} (arena recycling).
     *
     * @return the chunk bytes evicted (free once their grace period is over)
     */
    long makeRoom(int sizeClass, EvictionCause cause) {
        if (poolClass != -1) {
            pool.clear();
            poolClass = -1;
        }
        int victimClass = -1;
        for (int rounds = 0; victimClass < 0 && rounds < 32; rounds++) {
            ReadGuard guard = allocator.enter(); // one short critical section per round, as in evict
            try {
                sample(-1);
                int best = pool.best();
                if (best < 0) {
                    continue;
                }
                long slot = pool.slot(best);
                long word = pool.word(best);
                pool.remove(best);
                long h = SlotWord.handle(word);
                int c = allocator.pageClass((int) (h >>> allocator.pageShift()));
                if (c == sizeClass) {
                    int bytes = store.evictAt(slot, word, cause);
                    if (bytes > 0) {
                        return bytes;
                    }
                } else {
                    victimClass = c;
                }
            } finally {
                guard.exit();
            }
        }
        if (victimClass < 0) {
            return 0;
        }
        int page = fewestLive(victimClass);
        return page < 0 ? 0 : (long) drain(page) * allocator.sizeClasses().chunkSize(victimClass);
    }

    /** Among a few sampled reserved pages of {@code sizeClass}, the one with the fewest live chunks. */
    private int fewestLive(int sizeClass) {
        int best = -1;
        int bestLive = Integer.MAX_VALUE;
        int pages = Math.max(1, allocator.pageHighWater());
        for (int i = 0; i < 64; i++) {
            int p = (int) Math.floorMod(random(), (long) pages);
            int live = allocator.liveChunks(p);
            if (allocator.pageClass(p) == sizeClass && live > 0 && live < bestLive) {
                best = p;
                bestLive = live;
            }
        }
        return best;
    }

    /** Stops allocation from {@code page} and evicts every entry on it. Returns entries evicted. */
    int drain(int page) {
        int evicted = 0;
        // List the chunks inside the critical section: a page emptied and recycled to the pool (its
        // class -1) or to another class between the listing and the reads would otherwise have its
        // chunks read at the wrong size (PutShrinkTest caught an ArrayIndexOutOfBoundsException).
        ReadGuard guard = allocator.enter();
        try {
            long[] chunks = allocator.drainPage(page);
            for (long h : chunks) {
                if (store.evictChunk(h, EvictionCause.PAGE_RECYCLE) > 0) {
                    evicted++;
                }
            }
        } finally {
            guard.exit();
        }
        store.pageRecycled();
        return evicted;
    }
}
