package io.slabkv.arena;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import static io.slabkv.arena.PageTable.LEAF_MASK;
import static io.slabkv.arena.PageTable.LEAF_SHIFT;

/**
 * A slab allocator over pages of a {@link PageSource}: {@link SharedSlabAllocator} for any thread,
 * {@link ConfinedSlabAllocator} for one owner thread. Both run the same algorithm; they differ in
 * the primitives (atomic or plain) and in how retired memory waits (epochs or not at all).
 *
 * <h2>Pages</h2>
 * Each page is in one state at a time:
 * <pre>
 *   POOL --take--&gt; CURRENT --exhausted--&gt; FULL --a free--&gt; PARTIAL --chosen--&gt; CURRENT
 *                      |                     \                 /
 *                      +--drainPage--&gt; DRAINING  \---live == 0---&gt; RECYCLING --grace--&gt; POOL
 * </pre>
 * Only a class's CURRENT page is allocated from (a stale allocator may still take one chunk from
 * the page that was current when it looked, which is harmless: see below). State changes happen
 * under the class's monitor; the per-page words below are touched lock-free:
 * <ul>
 *   <li>{@code live}: chunks allocated. An allocator reserves {@code +1} <em>before</em> it takes a
 *       chunk and undoes it if it got none, so a page is empty only when {@code live == 0}, and
 *       recycling wins a CAS from 0 to {@link #DEAD}; an allocator that reserves on a dead page
 *       sees a negative count and backs off.</li>
 *   <li>{@code bump}: the next offset to carve, advanced with get-and-add.</li>
 *   <li>{@code freeHead}: the page's free list, a tagged word (see {@link #pushFree}).</li>
 * </ul>
 * A recycled page reaches the pool only after an epoch grace period, and every allocation runs
 * inside a critical section; so no allocator can still be working on a page when it is reset and
 * given to another class.
 *
 * <h2>Runs of pages</h2>
 * A size above the page size gets a run: {@code k} consecutive pages of one region (contiguous
 * memory), as one chunk whose handle names the first page at offset 0; the page table's entry for
 * that page covers the whole run while it lasts (to the end of the region, in fact: see
 * {@code PagePool.takeRun}). Every page of a run has class {@link #runClass()},
 * state {@code RUN} and {@code runHead} = its first page; the first page's {@code live} is 1 and
 * its {@code bump} the run's bytes. Freeing the run (after the chunk's grace period) sends its pages
 * through a grace period of their own, as a recycled class page goes (see {@code freeRun}).
 * <pre>
 *   POOL --takeRun (k pages, one region)--&gt; RUN --free, after the chunk's grace--&gt; RECYCLING --grace--&gt; POOL
 * </pre>
 * The largest run is one region, so the largest allocation is {@link #maxChunkSize()}.
 */
public abstract sealed class SlabAllocator implements AutoCloseable
        permits SharedSlabAllocator, ConfinedSlabAllocator {

    static final byte POOL = 0, CURRENT = 1, FULL = 2, PARTIAL = 3, DRAINING = 4, RECYCLING = 5, RUN = 6;
    /** {@code live} of a page being recycled: far below zero, so late reservations stay negative. */
    static final int DEAD = Integer.MIN_VALUE / 2;
    /** Reclaim-and-retry rounds of an allocation that found no room: chunk, then its emptied page. */
    static final int RECLAIM_ROUNDS = 3;
    private static final long TAG_ONE = 1L << 32;
    private static final long LINK_MASK = 0xFFFF_FFFFL;

    final SizeClasses classes;
    final int pageSize;
    final int pageShift;
    final long pageMask;
    final PagePool pool;
    final EpochReclaimer reclaimer;

    // Per page p, word[p >>> LEAF_SHIFT][p & LEAF_MASK]: a PageTable, whose leaves are made as regions
    // arrive (written out, not through PageTable.hi/lo: each call is one more inlining level on the
    // put path, see PageTable). pageMemory is written by the pool under its lock and read after a
    // handle or the current-page word published the page; the rest is described in the class comment.
    final PageTable table;
    final MemorySegment[][] pageMemory;
    final long[][] freeHead;
    final int[][] bump;
    final int[][] live;
    final int[][] pageClass;    // -1 while in the pool; stable while the page holds a live chunk
    final byte[][] state;       // guarded by the class monitor
    final int[][] partialNext;  // guarded by the class monitor
    final int[][] partialPrev;
    final int[][] runHead;      // the first page of the run a RUN page belongs to; guarded by runLock

    // Per class.
    final int[] current;      // page number or -1; read lock-free (lvCurrent), written under the monitor
    final int[] partialHead;  // guarded by the class monitor
    final int[] classPages;   // guarded by the class monitor
    final int[] refilledSinceSample; // free chunks of partial pages refilled since the last peak sample; class monitor
    final Object[] classLocks;
    final LongAdder[] reuses;
    final LongAdder[] carves;
    final LongAdder[] frees;
    final LongAdder failures = new LongAdder();

    // Runs of pages (see the class comment): pageClass of their pages, counters, one monitor.
    final int runClass;
    final int maxRunPages;
    private final Object runLock = new Object();
    private final LongAdder runAllocations = new LongAdder();
    private final LongAdder runFrees = new LongAdder();
    private volatile long runPages; // pages in runs; written under runLock
    private volatile long peakUsed;
    private volatile boolean closed;

    SlabAllocator(Builder b, PageSource source) {
        this.classes = new SizeClasses(b.minChunk, b.growth, b.pageSize);
        this.pageSize = b.pageSize;
        this.pageShift = Integer.numberOfTrailingZeros(b.pageSize);
        this.pageMask = b.pageSize - 1L;
        int maxPages = (int) Math.min(Builder.MAX_PAGES, Math.ceilDiv(b.resolvedMaxLimit, b.pageSize));
        this.table = new PageTable(maxPages);
        this.pageMemory = table.memory;
        this.freeHead = table.freeHead;
        this.bump = table.bump;
        this.live = table.live;
        this.pageClass = table.pageClass;
        this.state = table.state;
        this.partialNext = table.partialNext;
        this.partialPrev = table.partialPrev;
        this.runHead = table.runHead;
        long regionBytes = Math.max(b.pageSize, b.resolvedRegionBytes / b.pageSize * b.pageSize);
        this.pool = new PagePool(source, b.pageSize, regionBytes, b.limit, b.resolvedMaxLimit, table);
        int n = classes.count();
        this.runClass = n;
        // A run's bytes live in an int (bump), so at most 1 GiB.
        this.maxRunPages = Math.max(1, Math.min(pool.maxRunPages(), (1 << 30) / b.pageSize));
        this.current = new int[n];
        java.util.Arrays.fill(current, -1);
        this.partialHead = new int[n];
        java.util.Arrays.fill(partialHead, -1);
        this.classPages = new int[n];
        this.refilledSinceSample = new int[n];
        this.classLocks = new Object[n];
        this.reuses = new LongAdder[n];
        this.carves = new LongAdder[n];
        this.frees = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            classLocks[i] = new Object();
            reuses[i] = new LongAdder();
            carves[i] = new LongAdder();
            frees[i] = new LongAdder();
        }
        // After close, chunks and pages still in their grace period went with their regions: drop
        // them. (Reclaiming them through the public reclaimer() used to write free-list links into
        // released memory and hand pages to a pool that no longer holds their region: an NPE.)
        this.reclaimer = new EpochReclaimer(new EpochReclaimer.Sink() {
            @Override
            public void freeChunk(long handle) {
                if (!closed) {
                    freeNow(handle);
                }
            }

            @Override
            public void returnPage(int page) {
                if (!closed) {
                    toPool(page);
                }
            }
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- primitives, per variant

    abstract int gaaLive(int page, int delta);

    abstract boolean casLive(int page, int expect, int update);

    abstract int gaaBump(int page, int delta);

    abstract long lvFreeHead(int page);

    abstract boolean casFreeHead(int page, long expect, long update);

    abstract int lvCurrent(int sizeClass);

    abstract void soCurrent(int sizeClass, int page);

    /** Throws unless the allocator is open and the calling thread may use it. */
    abstract void checkAccess();

    /**
     * Enters a critical section: chunks reachable now are not reused before the guard exits. Never
     * allocates (after the calling thread's first call).
     */
    public abstract ReadGuard enter();

    /**
     * Frees {@code handle} once no thread can still be reading it: after every critical section
     * open now has exited (shared), or at once (confined: its one thread is not reading while it
     * retires).
     */
    public abstract void retire(long handle);

    /** Sends a recycled page to the pool after its grace period. Called under the class monitor. */
    abstract void retirePage(int page);

    final void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the allocator is closed");
        }
    }

    // ---------------------------------------------------------------- allocation

    /**
     * Allocates a chunk of at least {@code size} bytes from the smallest class that fits, or a run
     * of pages for a size above the page size.
     *
     * @return a handle ({@link ChunkHandle}), or {@link ChunkHandle#NONE} when the memory limit
     *         leaves no room (after reclaiming what the epoch allows)
     * @throws IllegalArgumentException if {@code size <= 0} or above {@link #maxChunkSize()}
     */
    public final long allocate(long size) {
        checkAccess();
        // A chunk of a size class, or (above the page size) a run of pages; classOf refuses a size
        // <= 0 or above a region.
        boolean run = size > pageSize || size <= 0;
        int c = run ? classOf(size) : classes.classOf(size);
        int pages = run ? (int) Math.ceilDiv(size, pageSize) : 0;
        long h = attempt(c, pages);
        // Reclaim outside the critical section: our own announcement would hold the epoch back.
        // (A caller that is itself inside one holds it back all the same; the engine allocates first.)
        // More than one round: a reclaimed chunk whose free empties its page sends that page through
        // a grace period of its own, so another class gets the page only from the next round. With a
        // single retry such an allocation failed at the limit although nobody held the memory.
        // Every round that continues has freed something, and there are at most RECLAIM_ROUNDS.
        for (int round = 0; h == ChunkHandle.NONE && round < RECLAIM_ROUNDS && reclaimer.reclaimAll() > 0; round++) {
            h = attempt(c, pages); // retired memory came back: try again
        }
        // An emptied page may also sit as another class's current page, which nothing files back to
        // the pool: take those away and try again (after their grace period, in the shared variant).
        if (h == ChunkHandle.NONE && releaseEmptyCurrentPages(c) > 0) {
            h = attempt(c, pages);
            for (int round = 0; h == ChunkHandle.NONE && round < RECLAIM_ROUNDS && reclaimer.reclaimAll() > 0; round++) {
                h = attempt(c, pages);
            }
        }
        if (h == ChunkHandle.NONE) {
            failures.increment();
        } else if (run) {
            samplePeakUsed(); // a run takes its pages from the pool, as a class's fresh page does
        }
        return h;
    }

    /** One try: a chunk of class {@code c}, or a run of {@code pages} pages for {@link #runClass}. */
    private long attempt(int c, int pages) {
        return c == runClass ? takeRun(pages) : allocateGuarded(c);
    }

    private long takeRun(int pages) {
        synchronized (runLock) {
            int first = pool.takeRun(pages);
            if (first < 0) {
                return ChunkHandle.NONE;
            }
            for (int p = first; p < first + pages; p++) {
                runHead[p >>> LEAF_SHIFT][p & LEAF_MASK] = first;
                state[p >>> LEAF_SHIFT][p & LEAF_MASK] = RUN;
                pageClass[p >>> LEAF_SHIFT][p & LEAF_MASK] = runClass;
            }
            live[first >>> LEAF_SHIFT][first & LEAF_MASK] = 1;
            bump[first >>> LEAF_SHIFT][first & LEAF_MASK] = pages * pageSize;
            runPages += pages;
            runAllocations.increment();
            // The handle reaches other threads through the caller's own release (the engine's slot
            // CAS), which publishes these plain writes and the page table entry pool.takeRun set.
            return ChunkHandle.of(first, 0, pageShift);
        }
    }

    /**
     * Frees run {@code first} (its chunk's grace period is over): its pages go to the pool after a
     * grace period of their own, as a recycled page of a class does. The chunk's grace covers only
     * readers that were inside before the chunk was retired; a thread that entered later may still
     * hold the run's handle from {@link #drainPage} (an evictor emptying pages for room), and must not
     * find the pages serving another class while it reads them.
     */
    private void freeRun(int first) {
        int pages;
        synchronized (runLock) {
            pages = bump[first >>> LEAF_SHIFT][first & LEAF_MASK] >>> pageShift;
            for (int p = first; p < first + pages; p++) {
                state[p >>> LEAF_SHIFT][p & LEAF_MASK] = RECYCLING;
            }
            live[first >>> LEAF_SHIFT][first & LEAF_MASK] = 0;
            runPages -= pages;
            runFrees.increment();
        }
        for (int p = first; p < first + pages; p++) {
            retirePage(p); // toPool after the grace period
        }
    }

    /**
     * Recycles the current page of every class but {@code except} that has no chunk allocated on it.
     * A class gives its current page up only when the page is exhausted, so a class whose chunks were
     * all freed kept an empty page for good: at the limit, an allocation of another size then failed
     * (or, in the engine, evicted live entries) while whole pages sat unused, e.g. after clear().
     * Same protocol as a refill that settles an empty page: CAS live 0 -> DEAD under the class
     * monitor (a stale allocator that reserves on the page afterwards sees a negative count and
     * backs off), then recycle through the grace period.
     *
     * @return pages recycled
     */
    private int releaseEmptyCurrentPages(int except) {
        int released = 0;
        for (int c = 0; c < current.length; c++) {
            int p = lvCurrent(c);
            if (c == except || p < 0 || live[p >>> LEAF_SHIFT][p & LEAF_MASK] != 0) {
                continue; // racy pre-check; the CAS below decides
            }
            synchronized (classLocks[c]) {
                if (lvCurrent(c) == p && casLive(p, 0, DEAD)) {
                    soCurrent(c, -1);
                    recycle(c, p);
                    released++;
                }
            }
        }
        return released;
    }

    private long allocateGuarded(int c) {
        ReadGuard guard = enter();
        try {
            return allocateInClass(c);
        } finally {
            guard.exit();
        }
    }

    private long allocateInClass(int c) {
        int chunk = classes.chunkSize(c);
        int usable = classes.chunksPerPage(c) * chunk;
        for (;;) {
            int p = lvCurrent(c);
            if (p >= 0) {
                if (gaaLive(p, 1) >= 0) { // reserved a place on a live page
                    long off = popFree(p);
                    if (off >= 0) {
                        reuses[c].increment();
                        return ChunkHandle.of(p, off, pageShift);
                    }
                    // Bump only while a plain read says the page has room: a full page that is
                    // current again (its free list refilled and emptied) would otherwise take one
                    // more add per empty-list miss, and the int wraps negative after ~2^31 / chunk
                    // of them. Racing adders overshoot by at most one chunk per thread.
                    if (bump[p >>> LEAF_SHIFT][p & LEAF_MASK] <= usable - chunk) {
                        int b = gaaBump(p, chunk);
                        if (b <= usable - chunk) {
                            carves[c].increment();
                            return ChunkHandle.of(p, b, pageShift);
                        }
                    }
                }
                if (gaaLive(p, -1) == 1) { // undo; we may have been the last to touch an empty page
                    pageMayBeEmpty(c, p);
                }
            }
            if (!refill(c, p)) {
                return ChunkHandle.NONE;
            }
        }
    }

    /**
     * Replaces the exhausted current page {@code p} of class {@code c} with a partial page or one
     * from the pool. Returns false when there is none and the limit forbids a new region.
     */
    private boolean refill(int c, int p) {
        synchronized (classLocks[c]) {
            if (lvCurrent(c) != p) {
                return true; // another thread already refilled
            }
            if (p >= 0) {
                settle(c, p);
            }
            int next = partialHead[c];
            boolean fresh = next < 0;
            if (!fresh) {
                unlinkPartial(c, next);
                // What refilling this page can add to the used bytes (a plain, racy read of live).
                refilledSinceSample[c] += Math.max(0, classes.chunksPerPage(c) - live[next >>> LEAF_SHIFT][next & LEAF_MASK]);
            } else {
                next = pool.take();
                if (next < 0) {
                    soCurrent(c, -1);
                    return false;
                }
                freeHead[next >>> LEAF_SHIFT][next & LEAF_MASK] = freeHead[next >>> LEAF_SHIFT][next & LEAF_MASK] & ~LINK_MASK; // keep the tag: stale poppers must fail
                bump[next >>> LEAF_SHIFT][next & LEAF_MASK] = 0;
                live[next >>> LEAF_SHIFT][next & LEAF_MASK] = 0;
                pageClass[next >>> LEAF_SHIFT][next & LEAF_MASK] = c;
                classPages[c]++;
            }
            state[next >>> LEAF_SHIFT][next & LEAF_MASK] = CURRENT;
            // Release store: the page's reset words above are visible to whoever reads it as current.
            soCurrent(c, next);
            // When a page comes from the pool, and once the partial pages refilled since the last
            // sample had a page's worth of free chunks: use can pass its old peak by refilling partial
            // pages alone (another class took the pool's pages meanwhile), which sampling only at
            // pool pages missed. Not at every refill: at the limit a class refills from partial pages
            // every few allocations, and summing every class's counters on each of those was 7 % of a
            // put's CPU time in the eviction benchmark (evict put2T, async-profiler,
            // bench/results/NOTES.md, session 5). This way a sample costs a page's worth of chunks.
            if (fresh || refilledSinceSample[c] >= classes.chunksPerPage(c)) {
                refilledSinceSample[c] = 0;
                samplePeakUsed();
            }
            return true;
        }
    }

    /** Files page {@code p}, no longer current, by what it holds. Under the class monitor. */
    private void settle(int c, int p) {
        if (live[p >>> LEAF_SHIFT][p & LEAF_MASK] == 0 && casLive(p, 0, DEAD)) {
            recycle(c, p);
        } else if ((lvFreeHead(p) & LINK_MASK) != 0) {
            state[p >>> LEAF_SHIFT][p & LEAF_MASK] = PARTIAL;
            linkPartial(c, p);
        } else {
            state[p >>> LEAF_SHIFT][p & LEAF_MASK] = FULL;
        }
    }

    // ---------------------------------------------------------------- free

    /**
     * Frees {@code handle} now. Only for chunks no other thread can be reading; otherwise
     * {@link #retire(long)}. Freeing a chunk twice is a caller bug this method does not detect.
     *
     * @throws IllegalArgumentException if the handle names no chunk of an allocated page
     */
    public final void free(long handle) {
        checkAccess();
        freeNow(handle);
    }

    final void freeNow(long handle) {
        int c = checkHandle(handle);
        int p = (int) (handle >>> pageShift);
        if (c == runClass) {
            freeRun(p);
            return;
        }
        int off = (int) (handle & pageMask);
        boolean wasEmpty = pushFree(p, off);
        int before = gaaLive(p, -1);
        frees[c].increment();
        if (wasEmpty || before == 1) {
            pageMayBeEmpty(c, p);
        }
    }

    /**
     * Returns the class of the chunk {@code handle} names, or throws if it names none.
     * <p>
     * Besides the page and the chunk boundary, this also refuses (each of which the first version
     * let through, corrupting the allocator instead of failing):
     * <ul>
     *   <li>an offset at or past the page's last whole chunk: the chunk would run past the end of
     *       the page (into another page's memory) once handed out again;</li>
     *   <li>an offset the page never carved: the bump pointer would later hand out the same chunk a
     *       second time, and the page's live count would drop below its allocated chunks;</li>
     *   <li>bits above the page number (a negative or garbage handle): the {@code int} cast of the
     *       page number used to drop them and alias a valid page.</li>
     * </ul>
     * The reads are plain: for a valid handle (published to this thread with a happens-before
     * edge, as every handle is) {@code pageClass} and {@code bump} hold at least the values they
     * had when the chunk was handed out. Freeing a chunk twice is still not detected.
     */
    final int checkHandle(long handle) {
        long pageNumber = handle >>> pageShift;
        long off = handle & pageMask;
        String why = null;
        int c = -1;
        int page = (int) pageNumber; // used only once pageNumber is known to be below maxPages
        if (handle < 0 || pageNumber >= table.maxPages) {
            why = "page " + pageNumber + " is outside 0.." + (table.maxPages - 1);
        } else if ((c = pageClass(page)) < 0) { // -1 also for a page no region reached (no leaf)
            why = "page " + pageNumber + " is held by no size class";
        } else if (c == runClass) {
            int head = runHead[page >>> LEAF_SHIFT][page & LEAF_MASK];
            if (head != pageNumber) {
                why = "page " + pageNumber + " is inside the run of pages that starts at page " + head;
            } else if (off != 0) {
                why = "offset " + off + " is not 0, the start of the run of pages at page " + pageNumber;
            } else if (state[page >>> LEAF_SHIFT][page & LEAF_MASK] != RUN) {
                // Unlike a chunk's, a run's second free is cheap to catch: its pages wait out their
                // grace period as RECYCLING, and freeing them again would pool each page twice.
                why = "the run of pages at page " + pageNumber + " was already freed";
            }
        } else {
            int chunk = classes.chunkSize(c);
            if (off % chunk != 0) {
                why = "offset " + off + " is not a multiple of the page's chunk size " + chunk;
            } else if (off >= (long) classes.chunksPerPage(c) * chunk) {
                why = "offset " + off + " is past the page's last chunk (" + classes.chunksPerPage(c) + " of "
                        + chunk + " bytes)";
            } else if (off >= bump[page >>> LEAF_SHIFT][page & LEAF_MASK]) {
                why = "offset " + off + " was never handed out on page " + pageNumber;
            }
        }
        if (why != null) {
            throw new IllegalArgumentException("handle " + handle + " does not name an allocated chunk: " + why);
        }
        return c;
    }

    /**
     * A free made page {@code p}'s free list non-empty, or its live count reach zero: file it as
     * partial, or recycle it. Under the class monitor, so the state it reads is settled.
     */
    private void pageMayBeEmpty(int c, int p) {
        synchronized (classLocks[c]) {
            byte s = state[p >>> LEAF_SHIFT][p & LEAF_MASK];
            if (pageClass[p >>> LEAF_SHIFT][p & LEAF_MASK] != c || s == CURRENT || s == RECYCLING || s == POOL) {
                return;
            }
            if (live[p >>> LEAF_SHIFT][p & LEAF_MASK] == 0 && casLive(p, 0, DEAD)) {
                recycle(c, p);
            } else if (s == FULL && (lvFreeHead(p) & LINK_MASK) != 0) {
                state[p >>> LEAF_SHIFT][p & LEAF_MASK] = PARTIAL;
                linkPartial(c, p);
            }
        }
    }

    /** Takes dead page {@code p} away from class {@code c}. Under the class monitor. */
    private void recycle(int c, int p) {
        if (state[p >>> LEAF_SHIFT][p & LEAF_MASK] == PARTIAL) {
            unlinkPartial(c, p);
        }
        state[p >>> LEAF_SHIFT][p & LEAF_MASK] = RECYCLING;
        classPages[c]--;
        retirePage(p);
    }

    /** After the grace period: page {@code p} goes back to the pool. */
    final void toPool(int p) {
        if (pageClass[p >>> LEAF_SHIFT][p & LEAF_MASK] == runClass) {
            synchronized (runLock) {
                state[p >>> LEAF_SHIFT][p & LEAF_MASK] = POOL;
                pageClass[p >>> LEAF_SHIFT][p & LEAF_MASK] = -1;
                if (runHead[p >>> LEAF_SHIFT][p & LEAF_MASK] == p) {
                    bump[p >>> LEAF_SHIFT][p & LEAF_MASK] = 0;
                    pool.endRun(p); // the page table entry covers one page again
                }
                runHead[p >>> LEAF_SHIFT][p & LEAF_MASK] = -1;
            }
        } else {
            synchronized (classLocks[pageClass[p >>> LEAF_SHIFT][p & LEAF_MASK]]) {
                state[p >>> LEAF_SHIFT][p & LEAF_MASK] = POOL;
                pageClass[p >>> LEAF_SHIFT][p & LEAF_MASK] = -1;
            }
        }
        pool.give(p);
    }

    // ---------------------------------------------------------------- page free lists

    /**
     * Pops a chunk from page {@code p}'s free list; -1 if empty. The head word is
     * {@code [tag:32 | link:32]}, link = offset / 8 + 1 (0 = empty); the next link lives in the
     * chunk's first four bytes. Every change bumps the tag, so a pop that read a head, lost the CPU
     * while the chunk was popped, reused and pushed back, fails its CAS (no ABA).
     */
    private long popFree(int p) {
        MemorySegment page = pageMemory[p >>> LEAF_SHIFT][p & LEAF_MASK];
        for (;;) {
            long head = lvFreeHead(p);
            int link = (int) head;
            if (link == 0) {
                return -1;
            }
            long off = (long) (link - 1) << 3;
            // May read garbage if the chunk was popped meanwhile: then the tag moved and the CAS fails.
            int next = page.get(ValueLayout.JAVA_INT_UNALIGNED, off);
            // CAS publishes the new head; the chunk is ours once it succeeds.
            if (casFreeHead(p, head, ((head + TAG_ONE) & ~LINK_MASK) | (next & LINK_MASK))) {
                return off;
            }
        }
    }

    /** Pushes the chunk at {@code off} on page {@code p}'s free list; returns whether it was empty. */
    private boolean pushFree(int p, long off) {
        MemorySegment page = pageMemory[p >>> LEAF_SHIFT][p & LEAF_MASK];
        int link = (int) (off >>> 3) + 1;
        for (;;) {
            long head = lvFreeHead(p);
            page.set(ValueLayout.JAVA_INT_UNALIGNED, off, (int) head);
            // CAS publishes the link written just above together with the new head.
            if (casFreeHead(p, head, ((head + TAG_ONE) & ~LINK_MASK) | link)) {
                return (int) head == 0;
            }
        }
    }

    private void linkPartial(int c, int p) {
        int h = partialHead[c];
        partialNext[p >>> LEAF_SHIFT][p & LEAF_MASK] = h;
        partialPrev[p >>> LEAF_SHIFT][p & LEAF_MASK] = -1;
        if (h >= 0) {
            partialPrev[h >>> LEAF_SHIFT][h & LEAF_MASK] = p;
        }
        partialHead[c] = p;
    }

    private void unlinkPartial(int c, int p) {
        int n = partialNext[p >>> LEAF_SHIFT][p & LEAF_MASK];
        int pr = partialPrev[p >>> LEAF_SHIFT][p & LEAF_MASK];
        if (pr >= 0) {
            partialNext[pr >>> LEAF_SHIFT][pr & LEAF_MASK] = n;
        } else {
            partialHead[c] = n;
        }
        if (n >= 0) {
            partialPrev[n >>> LEAF_SHIFT][n & LEAF_MASK] = pr;
        }
    }

    // ---------------------------------------------------------------- access for the engine

    /** The page segment holding {@code handle}'s chunk; index it with {@link #offset(long)}. */
    public final MemorySegment segment(long handle) {
        int p = (int) (handle >>> pageShift);
        return pageMemory[p >>> LEAF_SHIFT][p & LEAF_MASK];
    }

    /** The byte offset of {@code handle}'s chunk inside {@link #segment(long)}. */
    public final long offset(long handle) {
        return handle & pageMask;
    }

    /** The size of the chunk {@code handle} names: its class's chunk size, or its run's bytes. */
    public final int chunkSize(long handle) {
        int p = (int) (handle >>> pageShift);
        int c = pageClass[p >>> LEAF_SHIFT][p & LEAF_MASK];
        return c == runClass ? bump[p >>> LEAF_SHIFT][p & LEAF_MASK] : classes.chunkSize(c);
    }

    /**
     * The class {@link #allocate} serves {@code size} from: a size class, or {@link #runClass()} for
     * a size above the page size.
     *
     * @throws IllegalArgumentException if {@code size <= 0} or above {@link #maxChunkSize()}
     */
    public final int classOf(long size) {
        if (size <= 0 || size > maxChunkSize()) {
            throw new IllegalArgumentException("chunk size " + size + " must be between 1 and " + maxChunkSize()
                    + " bytes (" + (maxRunPages > 1 ? "a run of " + maxRunPages + " pages of " + pageSize
                    + " bytes, one region" : "one page") + ")");
        }
        return size > pageSize ? runClass : classes.classOf(size);
    }

    /** The bytes {@link #allocate} takes for {@code size}: its class's chunk, or its run's pages. */
    public final long chunkBytes(long size) {
        int c = classOf(size);
        return c == runClass ? Math.ceilDiv(size, pageSize) * (long) pageSize : classes.chunkSize(c);
    }

    /**
     * The class number of every page of a run of pages (one past the last size class): what
     * {@link #pageClass(int)} returns for such a page.
     */
    public final int runClass() {
        return runClass;
    }

    public final SizeClasses sizeClasses() {
        return classes;
    }

    public final int pageSize() {
        return pageSize;
    }

    /** log2 of the page size: the shift of a {@link ChunkHandle}. */
    public final int pageShift() {
        return pageShift;
    }

    /** The largest size {@link #allocate(long)} accepts: a run of pages as long as one region. */
    public final int maxChunkSize() {
        return maxRunPages * pageSize;
    }

    /**
     * The most pages a run could get now without a change of the limit: the longest region reserved,
     * or the region the limit leaves room for. A run longer than this cannot be placed, whatever is
     * evicted.
     */
    public final int longestPossibleRun() {
        return pool.longestPossibleRun();
    }

    /** The number of page numbers this allocator can use, at its maximum limit. */
    public final int maxPages() {
        return table.maxPages;
    }

    // ---------------------------------------------------------------- pages, for the monitor

    /**
     * The reserved regions as pairs {@code first page, page count}, for a caller that empties whole
     * regions to release them under a lower limit.
     */
    public final int[] regionRanges() {
        return pool.regionRanges();
    }

    /**
     * Holds pages {@code [first, first + pages)} for a run of pages the calling thread is making room
     * for: as they come back to the pool no size class gets them, until {@link #releaseRunHold()} or
     * for {@code nanos} at most. A thread's later windows add to its earlier ones (up to a cap).
     * Returns false when nothing was added: another thread holds pages, or the cap is reached.
     */
    public final boolean holdForRun(int first, int pages, long nanos) {
        if (first < 0 || pages <= 0 || (long) first + pages > table.maxPages) {
            throw new IllegalArgumentException("pages " + first + ".." + ((long) first + pages - 1)
                    + " are outside 0.." + (table.maxPages - 1));
        }
        return pool.hold(first, pages, nanos);
    }

    /** Pages held by {@link #holdForRun} now (0 without a hold): for stats and tests. */
    public final int heldRunPages() {
        return pool.heldPages();
    }

    /** Ends the calling thread's hold of {@link #holdForRun}, if any. */
    public final void releaseRunHold() {
        pool.unhold();
    }

    /** One past the highest page number ever reserved; a sampler of pages draws below it. */
    public final int pageHighWater() {
        return pool.highWater();
    }

    /** The class page {@code page} serves, or -1 if it is in the pool or not reserved. */
    public final int pageClass(int page) {
        int[] leaf = pageClass[page >>> LEAF_SHIFT];
        return leaf == null ? -1 : leaf[page & LEAF_MASK];
    }

    /** Chunks allocated on {@code page} (negative while it is being recycled). */
    public final int liveChunks(int page) {
        int[] leaf = live[page >>> LEAF_SHIFT];
        return leaf == null ? 0 : leaf[page & LEAF_MASK];
    }

    /**
     * Stops allocation from {@code page} and lists the chunks allocated on it, so the caller can
     * evict or move them. Once they are all freed (or retired and reclaimed) the page goes back to
     * the pool by itself, where a starving class takes it. The list is a snapshot: a thread that was
     * already allocating from the page may add one chunk more, which the next call lists.
     *
     * @return the handles allocated on the page; empty when the page holds nothing
     */
    public final long[] drainPage(int page) {
        checkAccess();
        if (page < 0 || page >= table.maxPages) {
            throw new IllegalArgumentException("page " + page + " is outside 0.." + (table.maxPages - 1));
        }
        int c = pageClass(page); // -1 for a page no region ever covered (no leaf)
        if (c < 0) {
            return new long[0];
        }
        if (c == runClass) {
            synchronized (runLock) {
                // The run's one chunk, wherever in the run the page is; freeing it frees the run.
                return pageClass[page >>> LEAF_SHIFT][page & LEAF_MASK] == runClass && state[page >>> LEAF_SHIFT][page & LEAF_MASK] == RUN
                        ? new long[] {ChunkHandle.of(runHead[page >>> LEAF_SHIFT][page & LEAF_MASK], 0, pageShift)} : new long[0];
            }
        }
        synchronized (classLocks[c]) {
            byte s = state[page >>> LEAF_SHIFT][page & LEAF_MASK];
            if (pageClass[page >>> LEAF_SHIFT][page & LEAF_MASK] != c || s == POOL || s == RECYCLING) {
                return new long[0];
            }
            if (s == CURRENT) {
                soCurrent(c, -1);
            } else if (s == PARTIAL) {
                unlinkPartial(c, page);
            }
            state[page >>> LEAF_SHIFT][page & LEAF_MASK] = DRAINING;
            if (live[page >>> LEAF_SHIFT][page & LEAF_MASK] == 0 && casLive(page, 0, DEAD)) {
                recycle(c, page);
                return new long[0];
            }
            int chunk = classes.chunkSize(c);
            int carved = Math.min(bump[page >>> LEAF_SHIFT][page & LEAF_MASK], classes.chunksPerPage(c) * chunk) / chunk;
            BitSet free = new BitSet(carved);
            MemorySegment mem = pageMemory[page >>> LEAF_SHIFT][page & LEAF_MASK];
            int link = (int) lvFreeHead(page);
            for (int steps = 0; link != 0 && steps < carved; steps++) {
                long off = (long) (link - 1) << 3;
                // A stale allocator may have popped and overwritten the chunk we are walking through:
                // then the link is garbage. Stop at the first link that names no carved chunk.
                if (off < 0 || off % chunk != 0 || off / chunk >= carved) {
                    break;
                }
                free.set((int) (off / chunk));
                link = mem.get(ValueLayout.JAVA_INT_UNALIGNED, off);
            }
            long[] out = new long[carved - free.cardinality()];
            int n = 0;
            for (int i = free.nextClearBit(0); i < carved && n < out.length; i = free.nextClearBit(i + 1)) {
                out[n++] = ChunkHandle.of(page, (long) i * chunk, pageShift);
            }
            return out;
        }
    }

    // ---------------------------------------------------------------- limit, stats, close

    /** Frees whatever retired memory the epoch allows now. Returns the number of items freed. */
    public final int reclaim() {
        checkAccess();
        return reclaimer.reclaimAll();
    }

    /**
     * Sets the limit on reserved bytes (at most the builder's maximum limit). Lowering it releases
     * regions whose pages are all in the pool; the caller evicts or drains to free more.
     *
     * @return bytes still reserved above the new limit (0 when the reservation fits)
     */
    public final long setLimit(long bytes) {
        checkAccess();
        if (bytes < pageSize || bytes > (long) table.maxPages * pageSize) {
            throw new IllegalArgumentException("memory limit " + bytes + " must be between one page ("
                    + pageSize + ") and the maximum limit set at build time ("
                    + (long) table.maxPages * pageSize + ")");
        }
        reclaimer.reclaimAll();
        return pool.setLimit(bytes);
    }

    public final long limit() {
        return pool.limit();
    }

    public final long reservedBytes() {
        return pool.reserved();
    }

    /** Bytes in allocated chunks, at chunk size. Sums striped counters: not for a per-operation path. */
    public final long usedBytes() {
        long used = runPages * pageSize;
        for (int c = 0; c < classes.count(); c++) {
            used += (reuses[c].sum() + carves[c].sum() - frees[c].sum()) * classes.chunkSize(c);
        }
        return used;
    }

    private void samplePeakUsed() {
        long used = usedBytes();
        if (used > peakUsed) {
            peakUsed = used; // racy max: a sample, documented as such in AllocatorStats
        }
    }

    public final AllocatorStats stats() {
        samplePeakUsed();
        List<SizeClassStats> list = new ArrayList<>();
        long allocations = 0, reuse = 0, carve = 0, free = 0, pageBytes = 0;
        for (int c = 0; c < classes.count(); c++) {
            long r = reuses[c].sum(), cv = carves[c].sum(), f = frees[c].sum();
            int pages;
            synchronized (classLocks[c]) {
                pages = classPages[c];
            }
            reuse += r;
            carve += cv;
            free += f;
            allocations += r + cv;
            pageBytes += (long) pages * pageSize;
            if (pages == 0 && r + cv == 0) {
                continue;
            }
            long used = r + cv - f;
            long capacity = (long) pages * classes.chunksPerPage(c);
            long freeChunks = Math.max(0, capacity - used);
            double frag = pages == 0 ? 0 : 1.0 - (double) used * classes.chunkSize(c) / ((double) pages * pageSize);
            list.add(new SizeClassStats(c, classes.chunkSize(c), pages, used, freeChunks, r + cv, r, cv, f,
                    Math.max(0, frag)));
        }
        long runs = runAllocations.sum(), runsFreed = runFrees.sum(), inRuns = runPages;
        if (runs > 0) {
            carve += runs;
            free += runsFreed;
            allocations += runs;
            pageBytes += inRuns * pageSize;
            list.add(new SizeClassStats(runClass, pageSize, inRuns, runs - runsFreed, 0, runs, 0, runs, runsFreed, 0));
        }
        return new AllocatorStats(pool.limit(), pool.reserved(), pool.peakReserved(), usedBytes(), peakUsed,
                pageBytes, pool.freePages(), pool.regions(), allocations, reuse, carve, free, failures.sum(),
                reclaimer.pending(), pool.released(), List.copyOf(list));
    }

    public final boolean isClosed() {
        return closed;
    }

    /**
     * Releases every region. Any later use throws {@link IllegalStateException}. The caller makes
     * sure no thread is inside an operation (a thread that is gets an exception from the FFM
     * runtime, never a crash).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + pool.sourceName() + ", page " + pageSize + ", "
                + classes.count() + " classes, reserved " + pool.reserved() + " / " + pool.limit() + "]";
    }

    // ---------------------------------------------------------------- builder

    /** Parameters of an allocator; every value is checked in {@link #validate()}. */
    public static final class Builder {
        public static final int DEFAULT_PAGE_SIZE = 1 << 20;
        /**
         * Region size when none is set: 4 MiB, or one page if pages are larger. The last region is
         * the slack above what is used, so it is what a store reserves beyond its data: at 16 MiB a
         * store of 1M x (8 B key + 100 B value) paid up to 16.7 B per entry for it (38.4 B of
         * overhead per entry measured at exactly 1M, 13.6 MiB of the last region unused); at 4 MiB at
         * most 4.2 B (25.8 B measured). Smaller regions cost one shared Arena per 4 MiB, nothing on
         * the get or put path.
         */
        public static final long DEFAULT_REGION_BYTES = 4L << 20;
        public static final int DEFAULT_MIN_CHUNK = 32;
        public static final double DEFAULT_GROWTH = 1.25;
        static final int MIN_PAGE_SIZE = 4096;
        /** The largest page size. */
        public static final int MAX_PAGE_SIZE = 1 << 30;
        /** The most pages a maximum memory limit may span: the page table is a set of Java arrays. */
        public static final int MAX_PAGES = Integer.MAX_VALUE - 8;

        long limit = 256L << 20;
        long maxLimit = -1;       // as set by the caller; -1: the default, derived from the limit
        long resolvedMaxLimit;    // what validate() derived for the allocator being built
        int pageSize = DEFAULT_PAGE_SIZE;
        long regionBytes;         // 0: the default, max(DEFAULT_REGION_BYTES, pageSize)
        long resolvedRegionBytes; // what validate() derived for the allocator being built
        int minChunk = DEFAULT_MIN_CHUNK;
        double growth = DEFAULT_GROWTH;
        PageSource source;

        Builder() {
        }

        /** The limit on reserved bytes; at least one page. */
        public Builder memoryLimit(long bytes) {
            this.limit = bytes;
            return this;
        }

        /** The highest limit {@link SlabAllocator#setLimit} may set later; default max(4 x limit, 4 GiB). */
        public Builder maxMemoryLimit(long bytes) {
            this.maxLimit = bytes;
            return this;
        }

        /** Page size: a power of two from 4 KiB to 1 GiB; default 1 MiB. */
        public Builder pageSize(int bytes) {
            this.pageSize = bytes;
            return this;
        }

        /**
         * Bytes taken from the page source at a time, rounded down to pages; at least one page.
         * Default {@link #DEFAULT_REGION_BYTES} (4 MiB), or one page when pages are larger.
         */
        public Builder regionSize(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("region size " + bytes + " must be positive (at least one page)");
            }
            this.regionBytes = bytes;
            return this;
        }

        /** Smallest chunk: a multiple of 8, at least 16; default 32. */
        public Builder minChunkSize(int bytes) {
            this.minChunk = bytes;
            return this;
        }

        /** Growth factor between classes: 1.05 to 2.0; default 1.25. */
        public Builder growthFactor(double factor) {
            this.growth = factor;
            return this;
        }

        /** Where memory comes from; default the shared or confined arena source of the variant. */
        public Builder pageSource(PageSource source) {
            this.source = source;
            return this;
        }

        void validate() {
            if (pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE || Integer.bitCount(pageSize) != 1) {
                throw new IllegalArgumentException("page size " + pageSize + " must be a power of two from "
                        + MIN_PAGE_SIZE + " to " + MAX_PAGE_SIZE + " bytes");
            }
            if (limit < pageSize) {
                throw new IllegalArgumentException("memory limit " + limit
                        + " must be at least one page (" + pageSize + " bytes)");
            }
            resolvedRegionBytes = regionBytes == 0 ? Math.max(DEFAULT_REGION_BYTES, pageSize) : regionBytes;
            if (resolvedRegionBytes < pageSize) {
                throw new IllegalArgumentException("region size " + regionBytes
                        + " must be at least one page (" + pageSize + " bytes)");
            }
            // Derived into its own field: validate() used to overwrite maxLimit with the default, so a
            // builder reused with a larger limit kept the first build's default maximum and refused it.
            long maxLimit = this.maxLimit >= 0 ? this.maxLimit
                    : Math.max(limit, Math.min(Long.MAX_VALUE / 8, Math.max(4 * limit, 4L << 30)));
            if (maxLimit < limit) {
                throw new IllegalArgumentException("maximum memory limit " + maxLimit
                        + " must be at least the memory limit " + limit);
            }
            if (maxLimit / pageSize > MAX_PAGES) {
                throw new IllegalArgumentException("maximum memory limit " + maxLimit + " is more than "
                        + MAX_PAGES + " pages of " + pageSize + " bytes");
            }
            new SizeClasses(minChunk, growth, pageSize); // checks chunk size and growth
            resolvedMaxLimit = maxLimit;
        }

        /** An allocator any thread may use. */
        public SharedSlabAllocator buildShared() {
            validate();
            return new SharedSlabAllocator(this, source != null ? source : SharedArenaPageSource.INSTANCE);
        }

        /** An allocator only the calling thread may use. */
        public ConfinedSlabAllocator buildConfined() {
            validate();
            return new ConfinedSlabAllocator(this, source != null ? source : ConfinedArenaPageSource.INSTANCE,
                    Thread.currentThread());
        }
    }
}
