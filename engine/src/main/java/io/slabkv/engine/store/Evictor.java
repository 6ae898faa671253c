package io.slabkv.engine.store;

import io.slabkv.arena.ReadGuard;
import io.slabkv.arena.SlabAllocator;
import io.slabkv.engine.entry.EntryLayout;
import io.slabkv.engine.evict.AccessClock;
import io.slabkv.engine.evict.AdmissionWindow;
import io.slabkv.engine.evict.ClassPools;
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
    /**
     * Sampling rounds behind one inline eviction ({@link #makeRoom}): {@code ROOM_ROUNDS} while the
     * evictor's memory of recent samples is short of {@code ROOM_MEMORY} scores, then
     * {@code ROOM_ROUNDS_WARM} per eviction (the candidates and scores of earlier calls carry over,
     * as the monitor's pool does); more, up to {@code ROOM_ROUNDS_MAX}, until {@code ROOM_OWN}
     * candidates of the class that needs room are at hand.
     */
    static final int ROOM_ROUNDS = 8;
    static final int ROOM_ROUNDS_WARM = 2;
    static final int ROOM_ROUNDS_MAX = 64;
    static final int ROOM_OWN = 4;
    /** Recent sampled scores (all classes) that makeRoom ranks a candidate against. */
    static final int ROOM_MEMORY = ROOM_ROUNDS * SAMPLE_BUCKETS * OffHeapIndex.BUCKET_SLOTS;
    /**
     * makeRoom empties a page of another class only when more than this share of everything it
     * sampled is colder than the best candidate of the class that needs room (that class is then
     * short of memory); otherwise it evicts that candidate.
     */
    static final double STARVING_RANK = 0.75;
    /** Windows of consecutive pages {@link #makeRoomForRun} weighs before emptying the emptiest. */
    static final int RUN_WINDOWS = 16;
    /** Added to the score of an entry in the admission window: it goes after every other entry. */
    static final double IN_WINDOW = 1e9;
    /** Taken from the score of an entry that left the window and lost its duel: it goes first. */
    static final double NOT_ADMITTED = 1e9;
    private final Store store;
    private final OffHeapIndex index;
    private final SlabAllocator allocator;
    private final EvictionPolicy policy;
    private final AccessClock clock;
    private final VictimPool pool = new VictimPool();
    /** The store's admission window, or null. */
    private final AdmissionWindow window;
    /**
     * The duel frequency of the last main-region entry this evictor evicted: the victim a window
     * entry leaving the window has to beat (see {@link #ranked}).
     */
    private int victimFrequency;
    // makeRoom's memory, kept across calls: the best candidates sampled of every class, and rings of
    // the latest ROOM_MEMORY scores sampled (all classes) and of other classes' pages and scores.
    private final ClassPools classPools;
    private final double[] sampledScores = new double[ROOM_MEMORY];
    private long sampled; // scores ever written to the ring
    private final int[] otherPages = new int[ROOM_MEMORY];
    private final double[] otherScores = new double[ROOM_MEMORY];
    private long others;   // other-class candidates ever written to their ring
    private int poolClass = -2;
    private long seed;
    // One sampling round, gathered before it is scored (see gather): owner thread only.
    private static final int ROUND = SAMPLE_BUCKETS * OffHeapIndex.BUCKET_SLOTS;
    private final long[] roundSlots = new long[ROUND];
    private final long[] roundWords = new long[ROUND];
    private final int[] roundClasses = new int[ROUND];
    private final int[] roundHints = new int[ROUND];
    private final int[] roundBytes = new int[ROUND];

    Evictor(Store store, long seed) {
        this.store = store;
        this.index = store.index();
        this.allocator = store.allocator();
        this.policy = store.policy();
        this.clock = store.clock();
        this.window = store.window();
        this.seed = seed | 1;
        this.classPools = new ClassPools(allocator.runClass() + 1); // the size classes and the runs of pages
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
            ReadGuard guard = store.enterOpen();
            try {
                sample(sizeClass);
                int best = pool.best();
                if (best < 0) {
                    continue;
                }
                long slot = pool.slot(best);
                long word = pool.word(best);
                double scored = pool.score(best);
                pool.remove(best);
                if (index.laSlot(slot) != word) {
                    continue; // removed, replaced or evicted since it was sampled
                }
                // The pool keeps candidates across rounds and calls: one read since it was sampled
                // is no victim any more. Linked now, inside this critical section: safe to read.
                double now = score(word);
                if (now > scored) {
                    pool.offer(slot, word, now);
                    continue;
                }
                noteVictim(word);
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

    /**
     * The entry's rank as a victim now: the policy's score, moved behind everything for an entry in
     * the admission window, ahead of everything for one that left it without being admitted. Inside a
     * critical section, with the entry linked.
     */
    private double score(long w) {
        long h = SlotWord.handle(w);
        int hint = EntryLayout.access(allocator.segment(h), allocator.offset(h));
        // Linked, inside a critical section: its page holds its class (or its run) until we leave.
        return windowShifted(hint, plainScore(hint, allocator.chunkSize(h)));
    }

    /** The policy's own score of an entry with this access hint and chunk size. */
    private double plainScore(int hint, int bytes) {
        return policy.score(hint, clock.age(hint), bytes);
    }

    /** {@link #score(long)} from an access hint already read and the policy's score {@code plain}. */
    private double windowShifted(int hint, double plain) {
        if (window == null || !AccessClock.inWindow(hint)) {
            return plain;
        }
        return clock.age(hint) < window.ticks() ? plain + IN_WINDOW : plain - NOT_ADMITTED;
    }

    /**
     * The rank of a sampled entry (see {@link #score(long)}), and the admission duel for a window
     * entry that has left the window (W-TinyLFU, see {@link AdmissionWindow}): unread for
     * {@link AdmissionWindow#ticks()} ticks, it is admitted to the main region (its window bit
     * cleared) if its frequency beats that of the main region's latest victim; else it ranks ahead of
     * every main-region entry, to be evicted next. Each sampling of it duels again. Inside a critical
     * section, with the entry linked; {@code plain} is {@link #plainScore}.
     */
    private double ranked(long w, int hint, int bytes, double plain) {
        if (window != null && AccessClock.inWindow(hint) && clock.age(hint) >= window.ticks()
                && admitted(w, hint)) {
            store.admit(w);
            return policy.score(hint, 0, bytes);
        }
        return windowShifted(hint, plain);
    }

    /**
     * The duel of a window leaver {@code w}: the header's decayed count first, the key's sketch count
     * only if that alone does not win (the sketch can only add to it: same outcome, and a sampled
     * leaver whose reads already beat the victim costs no sketch line and no key hash; the sketch
     * lookup was 15 % of a put's CPU time at the limit in the eviction benchmark).
     */
    private boolean admitted(long w, int hint) {
        return window.admits(AccessClock.decayedFrequency(hint, clock.age(hint)), victimFrequency)
                || window.admits(store.admissionFrequency(w, hint), victimFrequency);
    }

    /** Remembers the duel frequency of a main-region victim about to be evicted. Inside a critical section. */
    private void noteVictim(long w) {
        if (window != null) {
            long h = SlotWord.handle(w);
            int hint = EntryLayout.access(allocator.segment(h), allocator.offset(h));
            if (!AccessClock.inWindow(hint)) {
                victimFrequency = store.admissionFrequency(w, hint);
            }
        }
    }

    private void sample(int sizeClass) {
        int n = gather();
        for (int i = 0; i < n; i++) {
            int c = roundClasses[i];
            if (sizeClass >= 0 && c != sizeClass) {
                continue;
            }
            int hint = roundHints[i];
            int bytes = roundBytes[i];
            pool.offer(roundSlots[i], roundWords[i], ranked(roundWords[i], hint, bytes, plainScore(hint, bytes)));
        }
    }

    /**
     * One sampling round: the live entries of {@value #SAMPLE_BUCKETS} random buckets, with their
     * size classes and access hints, into the {@code round*} arrays; returns how many. Inside a
     * critical section (the hints are read from linked entries).
     *
     * <p>Loads first, scores after: every bucket and every entry header sampled is a cache miss,
     * and these loads do not depend on each other, so the core overlaps them, but only while little
     * work waits on each (bench/results/NOTES.md, "What stops a get overlapping"). Scoring each
     * candidate as it was read (as this did before) ran the misses about one at a time.
     */
    private int gather() {
        long buckets = index.buckets();
        int n = 0;
        for (int i = 0; i < SAMPLE_BUCKETS; i++) {
            long b = Math.floorMod(random(), buckets);
            for (int s = 1; s <= OffHeapIndex.BUCKET_SLOTS; s++) {
                long slot = OffHeapIndex.slot(b, s);
                roundSlots[n] = slot;
                roundWords[n++] = index.laSlot(slot); // acquire: the entry it names is read below
            }
        }
        int live = 0;
        for (int i = 0; i < n; i++) {
            long w = roundWords[i];
            if (!SlotWord.isFull(w)) {
                continue;
            }
            long h = SlotWord.handle(w);
            int c = allocator.pageClass((int) (h >>> allocator.pageShift()));
            if (c < 0) {
                continue;
            }
            roundSlots[live] = roundSlots[i];
            roundWords[live] = w;
            roundClasses[live] = c;
            roundBytes[live] = allocator.chunkSize(h); // its class's chunk, or its run's bytes
            roundHints[live++] = EntryLayout.access(allocator.segment(h), allocator.offset(h));
        }
        return live;
    }

    /**
     * Makes room for a chunk of {@code sizeClass} at the hard limit.
     *
     * <p>Memory is carved per class, so only a chunk of {@code sizeClass}, or a whole page, helps the
     * put. Samples entries over all classes ({@value #ROOM_ROUNDS_WARM} rounds per call once the
     * evictor remembers {@value #ROOM_MEMORY} recent scores, {@value #ROOM_ROUNDS} before; more until
     * {@value #ROOM_OWN} candidates of {@code sizeClass} are at hand). Candidates and scores carry over
     * between calls: a fresh sample of 8 rounds per eviction (160 entry headers, a cache miss each)
     * made a put at the limit cost about 1.3 us. Every sampled entry is offered to the pool of its
     * own class ({@link ClassPools}), so each class's candidates are the best of everything sampled
     * lately, not only of the rounds since the last put of another class. The best candidate of
     * {@code sizeClass} goes unless more than {@value #STARVING_RANK} of the recent samples are colder:
     * then the class is short of memory that colder entries of other classes hold, and the page with
     * the fewest live chunks, among a few sampled pages of the class of the coldest candidate, is
     * emptied so it returns to the pool for {@code sizeClass} (arena recycling).
     *
     * <p>Draining whenever the single best candidate was of another class (as this did before)
     * emptied a page for about nine puts in ten once entries spread over a dozen classes: most inline
     * evictions then threw away a page of entries whatever their scores. In the trace replay
     * ({@code io.slabkv.bench.replay}, bench/results/policy-replay-tuning.md) sampled LRU ran up to 8.6
     * points of object hit ratio below exact LRU at the same payload; now at most 2.6 (4.1 on
     * adapt_size at its smallest budget, where 1 MiB pages are coarse for 13 MiB).
     *
     * @return the chunk bytes evicted (free once their grace period is over)
     */
    long makeRoom(int sizeClass, EvictionCause cause) {
        store.scaleToEntries(); // the monitor may not run often enough to do it
        VictimPool own = classPools.of(sizeClass);
        for (int attempt = 0; attempt < 4; attempt++) {
            int victimClass = -1;
            ReadGuard guard = store.enterOpen(); // one short critical section per attempt, as in evict
            try {
                int rounds = sampled < ROOM_MEMORY ? ROOM_ROUNDS : ROOM_ROUNDS_WARM;
                for (int r = 0; r < rounds || (own.size() < ROOM_OWN && r < ROOM_ROUNDS_MAX); r++) {
                    sampleForRoom(sizeClass);
                }
                int best = freshBest(own);
                long seen = Math.min(others, ROOM_MEMORY);
                if (best >= 0 && (seen == 0 || rank(own.score(best)) <= STARVING_RANK)) {
                    int bytes = evictPooled(own, best, cause);
                    if (bytes > 0) {
                        return bytes;
                    }
                    continue;
                }
                int coldest = -1;
                for (int i = 0; i < seen; i++) {
                    // Remembered from earlier calls: skip a page that went back to the pool or now
                    // serves the class that needs room (draining it would not help).
                    int c = allocator.pageClass(otherPages[i]);
                    if (c >= 0 && c != sizeClass && (coldest < 0 || otherScores[i] < otherScores[coldest])) {
                        coldest = i;
                    }
                }
                victimClass = coldest < 0 ? -1 : allocator.pageClass(otherPages[coldest]);
                // A drain changes which pages hold what: forget the other classes' samples, or the
                // next call drained pages again on stale scores (19 recycles for one put in the
                // jcstress GetPageRecycleTest's one-page store).
                others = 0;
            } finally {
                guard.exit();
            }
            if (victimClass >= 0) {
                int page = fewestLive(victimClass);
                if (page >= 0) {
                    return drain(page);
                }
            }
        }
        return 0;
    }

    /** Takes candidate {@code i} out of {@code pool} and evicts it. Returns the chunk bytes evicted (0: its slot changed). */
    private int evictPooled(VictimPool pool, int i, EvictionCause cause) {
        long slot = pool.slot(i);
        long word = pool.word(i);
        pool.remove(i);
        noteVictim(word);
        return store.evictAt(slot, word, cause);
    }

    /**
     * The pooled candidate of makeRoom's class to evict now, or -1: candidates carry over from
     * earlier calls, so one whose slot changed since it was sampled is dropped, and one read since
     * is re-scored (and re-offered) before the best is chosen. Inside a critical section.
     */
    private int freshBest(VictimPool own) {
        for (int tries = 0; tries < VictimPool.SIZE; tries++) {
            int best = own.best();
            if (best < 0) {
                return -1;
            }
            long slot = own.slot(best);
            long word = own.word(best);
            if (index.laSlot(slot) != word) {
                own.remove(best); // removed, replaced or evicted since it was sampled
                continue;
            }
            double now = score(word);
            if (now <= own.score(best)) {
                return best;
            }
            own.remove(best);
            own.offer(slot, word, now);
        }
        return own.best();
    }

    /** The share of the latest sampled scores (all classes) that are below {@code score}. */
    private double rank(double score) {
        int n = (int) Math.min(sampled, ROOM_MEMORY);
        int below = 0;
        for (int i = 0; i < n; i++) {
            if (sampledScores[i] < score) {
                below++;
            }
        }
        return n == 0 ? 0 : (double) below / n;
    }

    /**
     * One sampling round for {@link #makeRoom}: every candidate to the pool of its class
     * ({@link ClassPools}), every score to the ring {@code sampledScores}, the pages and scores of
     * classes other than {@code sizeClass} to the rings {@code otherPages} and {@code otherScores}.
     */
    private void sampleForRoom(int sizeClass) {
        int n = gather();
        for (int i = 0; i < n; i++) {
            int c = roundClasses[i];
            int hint = roundHints[i];
            int bytes = roundBytes[i];
            // The rings that decide whether to empty a page of another class keep the policy's own
            // score: with the window's shifts of +-1e9 in them, a window entry counted as the warmest
            // or the coldest entry of all, and adapt_size_request at 5 % (1 MiB pages, entries spread
            // over many classes) lost 4.4 points of object hit ratio against 0.0.
            double plain = plainScore(hint, bytes); // computed once: the pool's rank starts from it
            double score = ranked(roundWords[i], hint, bytes, plain);
            sampledScores[(int) (sampled++ % ROOM_MEMORY)] = plain;
            classPools.of(c).offer(roundSlots[i], roundWords[i], score);
            if (c != sizeClass) {
                int at = (int) (others++ % ROOM_MEMORY);
                otherPages[at] = (int) (SlotWord.handle(roundWords[i]) >>> allocator.pageShift());
                otherScores[at] = plain;
            }
        }
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

    /**
     * Makes room for a run of {@code pages} consecutive pages (a value larger than a page) at the
     * hard limit. Only consecutive free pages of one region help, so a victim chosen by the policy
     * helps only if it is itself a run at least that long: the pooled best run goes if it is that
     * long and not warmer than {@value #STARVING_RANK} of the recent samples. Otherwise, of
     * {@value #RUN_WINDOWS} random windows of {@code pages} consecutive pages in one region, the one
     * holding the fewest live bytes is emptied (its entries evicted, pages already free kept).
     *
     * @return the chunk bytes evicted (free once their grace period is over)
     */
    long makeRoomForRun(int pages, EvictionCause cause) {
        store.scaleToEntries();
        int runClass = allocator.runClass();
        VictimPool own = classPools.of(runClass);
        ReadGuard guard = store.enterOpen();
        try {
            int rounds = sampled < ROOM_MEMORY ? ROOM_ROUNDS : ROOM_ROUNDS_WARM;
            for (int r = 0; r < rounds; r++) {
                sampleForRoom(runClass);
            }
            int best = freshBest(own);
            // freshBest may give up on a candidate it could not re-score in time: check the slot
            // still names it before reading its run's size (its pages could be back in the pool).
            if (best >= 0 && index.laSlot(own.slot(best)) == own.word(best) && rank(own.score(best)) <= STARVING_RANK
                    && allocator.chunkSize(SlotWord.handle(own.word(best))) >= (long) pages * allocator.pageSize()) {
                int bytes = evictPooled(own, best, cause);
                if (bytes > 0) {
                    return bytes;
                }
            }
            others = 0; // pages change hands below: makeRoom's remembered pages are stale
        } finally {
            guard.exit();
        }
        int start = emptiestWindow(pages);
        if (start >= 0) {
            // Keep the window's pages for this run as they come back (else concurrent puts of small
            // entries can take them one by one), with the windows this put emptied before; the put
            // releases them all when it ends (Store.allocateUnderPressure).
            allocator.holdForRun(start, pages, Store.INLINE_EVICTION_NANOS);
        }
        long freed = 0;
        for (int p = start; start >= 0 && p < start + pages; p++) {
            if (allocator.pageClass(p) >= 0) {
                freed += drain(p);
            }
        }
        return freed;
    }

    /** The first page of the emptiest of {@value #RUN_WINDOWS} random windows (see makeRoomForRun), or -1. */
    private int emptiestWindow(int pages) {
        int[] regions = allocator.regionRanges();
        int best = -1;
        long bestBytes = Long.MAX_VALUE;
        for (int t = 0; t < RUN_WINDOWS && regions.length > 0; t++) {
            int r = 2 * (int) Math.floorMod(random(), (long) (regions.length / 2));
            if (regions[r + 1] < pages) {
                continue;
            }
            int start = regions[r] + (int) Math.floorMod(random(), (long) (regions[r + 1] - pages + 1));
            long bytes = 0;
            for (int p = start; p < start + pages; p++) {
                int c = allocator.pageClass(p); // racy reads: an estimate
                int live = allocator.liveChunks(p);
                if (c == allocator.runClass()) {
                    bytes += allocator.pageSize();
                } else if (c >= 0 && live > 0) {
                    bytes += (long) live * allocator.sizeClasses().chunkSize(c);
                }
            }
            if (bytes < bestBytes) {
                best = start;
                bestBytes = bytes;
            }
        }
        return best;
    }

    /** Stops allocation from {@code page} and evicts every entry on it. Returns the chunk bytes evicted. */
    long drain(int page) {
        long evicted = 0;
        // List the chunks inside the critical section: a page emptied and recycled to the pool (its
        // class -1) or to another class between the listing and the reads would otherwise have its
        // chunks read at the wrong size (PutShrinkTest caught an ArrayIndexOutOfBoundsException).
        ReadGuard guard = store.enterOpen();
        try {
            long[] chunks = allocator.drainPage(page);
            for (long h : chunks) {
                evicted += store.evictChunk(h, EvictionCause.PAGE_RECYCLE);
            }
        } finally {
            guard.exit();
        }
        store.pageRecycled();
        return evicted;
    }
}
