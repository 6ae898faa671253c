package io.slabkv.engine.store;

import io.slabkv.EntryVisitor;
import io.slabkv.MemoryLimitExceededException;
import io.slabkv.SlabKV;
import io.slabkv.StoreStats;
import io.slabkv.TimeSource;
import io.slabkv.arena.ChunkHandle;
import io.slabkv.arena.EpochReclaimer;
import io.slabkv.arena.PageSource;
import io.slabkv.arena.ReadGuard;
import io.slabkv.arena.SharedSlabAllocator;
import io.slabkv.arena.SlabAllocator;
import io.slabkv.engine.entry.EntryLayout;
import io.slabkv.engine.evict.AccessClock;
import io.slabkv.engine.evict.AdmissionWindow;
import io.slabkv.engine.evict.EvictionPolicy;
import io.slabkv.engine.evict.FrequencySketch;
import io.slabkv.engine.evict.WindowClimber;
import io.slabkv.engine.index.GracePeriod;
import io.slabkv.engine.index.KeyHash;
import io.slabkv.engine.index.OffHeapIndex;
import io.slabkv.engine.index.SlotWord;
import io.slabkv.engine.index.TombstoneCleaner;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.Agent;

/**
 * The store: an {@link OffHeapIndex} of slot words naming entries in chunks of a
 * {@link SlabAllocator}.
 *
 * <h2>Concurrency model</h2>
 * Entries are immutable once published: a put writes a whole new entry into a fresh chunk, then
 * CASes the slot from the old word to the new one (that CAS is the put's linearization point and
 * publishes the entry's bytes), then retires the old chunk. A get loads the slot word with acquire
 * semantics (its linearization point) and copies from the entry it names. Every operation that reads
 * entries runs inside an epoch critical section ({@link SlabAllocator#enter()}), and retired chunks
 * are reused only after every critical section open at retirement has ended; so a reader never
 * copies from a chunk that is being rewritten: no torn value, no foreign key's bytes (hazard 2), and
 * no version word or re-validation is needed.
 *
 * <h2>Why no key is ever in two slots (hazard 1)</h2>
 * An insert walks its key's probe from the home bucket, checking the key of every FULL slot, until
 * the probe ends (a bucket with a zero overflow count, see {@link OffHeapIndex}); only then does it
 * claim the <em>first EMPTY slot</em> it passed. Inserts never claim tombstones, and a slot becomes
 * EMPTY again only through the {@link TombstoneCleaner}, which cannot finish while an inserter that
 * walked past the slot is in flight. So while two inserts of one key are in flight, the EMPTY slots
 * of the probe only ever get fewer: both aim at the same first EMPTY slot, or one of them finds that
 * slot taken, walks again and meets the other's entry. The loser of the race turns into a replace.
 *
 * <h2>Put against remove (hazard 3)</h2>
 * Both are a single CAS on the key's slot from the word they read. Whichever CAS lands second sees
 * a different word, reads the slot again and acts on what is there now: a remove that finds a
 * tombstone walks on (the key is gone); a replace that finds a tombstone walks on to insert at the
 * first EMPTY slot. No update is lost.
 *
 * <h2>Deleted slots (hazard 4)</h2>
 * Removes leave tombstones, which probes pass and inserts do not reuse. Probes end by overflow counts,
 * not at EMPTY slots, so the cleaner can turn every tombstone back into an EMPTY slot after a grace
 * period: on {@link #maintain()} and whenever an insert walked more than {@value #LONG_PROBE_BUCKETS} buckets.
 */
public final class Store implements SlabKV {

    static final int LONG_PROBE_BUCKETS = 4;
    /** How long a put at the hard limit may evict and wait for the memory to come back. */
    static final long INLINE_EVICTION_NANOS = 2_000_000_000L;
    /** How long close() waits for operations already in flight. */
    static final long CLOSE_GRACE_NANOS = 1_000_000_000L;
    /**
     * FAULT INJECTION, for the stress suite only: {@code -Dio.slabkv.unsafe.removeIgnoresLostCas=true}
     * makes a remove whose unlinking CAS lost a race report success instead of reading the slot
     * again, so two racing removes of one entry both return true: a history no sequential map can
     * produce. The stress suite turns it on in a child JVM to prove its linearizability checker
     * catches it. Read once into a static final: off (always, outside that test) it folds away.
     */
    private static final boolean REMOVE_IGNORES_LOST_CAS = Boolean.getBoolean("io.slabkv.unsafe.removeIgnoresLostCas");
    private static final int RESULT_DONE = 0, RESULT_PRESENT = 1, RESULT_ABSENT = 2;
    private static final int MODE_PUT = 0, MODE_IF_ABSENT = 1, MODE_REPLACE = 2;

    private final SlabAllocator allocator;
    private final OffHeapIndex index;
    private final TombstoneCleaner cleaner;
    private final TimeSource clock;
    private final Thread owner; // null for a shared store
    private final int maxEntryBytes;
    private final EvictionPolicy policy;
    private final AccessClock accessClock = new AccessClock();
    /** Key history that outlives eviction (counted on inserts of new keys and on evictions, never on gets), or null. */
    private final FrequencySketch sketch;
    /** The admission window new entries start in, or null: then they start in the main region. */
    private final AdmissionWindow window;
    /** Sizes the window from the monitor's cycle; null without a window or when it stays fixed. */
    private final WindowClimber climber;
    /**
     * Evictors for puts that evict on their own thread, striped by thread id and used under their
     * monitor (a slow path: the store is at its limit). Not a ThreadLocal: its values would keep a
     * closed store reachable from every thread that ever evicted inline.
     */
    private final Evictor[] inlineEvictors = new Evictor[8];
    private final Monitor monitor;
    private volatile long memoryLimit;
    private final double maxIndexLoad;
    private volatile boolean sawTtl;
    private volatile boolean closed;
    // Confined store only (its owner thread alone touches them): chunks retired while a forEach
    // visitor runs, retired for real when the outermost forEach returns. See retire(long).
    private int visiting;
    private long[] retiredWhileVisiting = new long[0];
    private int retiredWhileVisitingCount;
    // Shared store: how deep the calling thread is in forEach calls of this store. See write().
    private final ThreadLocal<int[]> sharedVisits = ThreadLocal.withInitial(() -> new int[1]);
    private volatile Runnable closeHook = () -> { };

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removes = new LongAdder();
    private final LongAdder expirations = new LongAdder();
    private final LongAdder entries = new LongAdder();
    private final LongAdder[] evictions = new LongAdder[EvictionCause.values().length];
    private final LongAdder bytesFreed = new LongAdder();
    private final LongAdder pagesRecycled = new LongAdder();

    public Store(StoreConfig config) {
        long indexBytes = OffHeapIndex.bytesFor(config.expectedEntries());
        long memoryLimit = config.memoryLimit();
        int pageSize = config.pageSize();
        // Compared without subtracting: memoryLimit - indexBytes overflows for a limit near Long.MIN_VALUE,
        // and such a limit got through to the allocator, which refused it naming other numbers.
        if (memoryLimit < indexBytes + pageSize) {
            throw new IllegalArgumentException("memory limit " + memoryLimit + " is too small: the index for "
                    + config.expectedEntries() + " expected entries takes " + indexBytes
                    + " bytes and at least one page of " + pageSize + " bytes must fit beside it");
        }
        SlabAllocator.Builder b = SlabAllocator.builder().memoryLimit(memoryLimit - indexBytes)
                .maxMemoryLimit(Math.max(memoryLimit, config.maxMemoryLimit()) - indexBytes)
                .pageSize(pageSize).growthFactor(config.growthFactor())
                .minChunkSize(config.minChunkSize()).pageSource(config.pageSource());
        if (config.regionSize() > 0) {
            b.regionSize(config.regionSize()); // else the allocator's default
        }
        boolean confined = config.confined();
        this.allocator = confined ? b.buildConfined() : b.buildShared();
        try {
            this.index = OffHeapIndex.create(config.expectedEntries(), config.pageSource());
        } catch (OutOfMemoryError | RuntimeException e) {
            allocator.close();
            throw e;
        }
        this.cleaner = new TombstoneCleaner(index, confined ? GracePeriod.NONE
                : new EpochGrace(((SharedSlabAllocator) allocator).reclaimer()));
        this.clock = config.timeSource();
        this.owner = confined ? Thread.currentThread() : null;
        this.memoryLimit = memoryLimit;
        this.maxEntryBytes = allocator.maxChunkSize();
        this.policy = config.policy();
        this.maxIndexLoad = config.maxIndexLoad();
        this.sketch = config.frequencySketch() ? new FrequencySketch(config.expectedEntries()) : null;
        this.window = config.admissionWindow() > 0 ? new AdmissionWindow(config.admissionWindow(), sketch) : null;
        this.climber = window != null && config.adaptiveWindow() ? new WindowClimber(window) : null;
        for (int i = 0; i < evictions.length; i++) {
            evictions[i] = new LongAdder();
        }
        for (int i = 0; i < inlineEvictors.length; i++) {
            inlineEvictors[i] = new Evictor(this, (i + 1) * 0x9E3779B97F4A7C15L);
        }
        this.monitor = new Monitor(this, new Evictor(this, 0x5DEECE66DL), cleaner, config.highWatermark(),
                config.lowWatermark(), config.maxIndexLoad());
        if (config.backgroundMonitor() && !confined) {
            monitor.startDaemon();
        }
    }

    // ================================================================== checks

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        if (owner != null && Thread.currentThread() != owner) {
            throw new WrongThreadException("this confined store belongs to thread '" + owner.getName()
                    + "'; it was called from thread '" + Thread.currentThread().getName() + "'");
        }
    }

    /** Whether {@link #close()} has begun. */
    boolean isClosed() {
        return closed;
    }

    /**
     * Enters an epoch critical section of a store that is still open, for every operation that
     * reads or writes the index or the pages. The closed check of {@link #checkUsable} alone left a
     * window: an operation that passed it, then entered after {@link #close()}'s grace period had
     * begun (that wait does not cover sections entered later), met the released index or pages and
     * got the FFM runtime's IllegalStateException ("Already closed"; 16 in 39,700 samples of the
     * jcstress GetCloseTest). Checking again inside the section closes it, Dekker-style: enter()
     * announces this thread with a volatile store before this volatile load of {@code closed}, and
     * close() stores {@code closed} (volatile) before its grace period reads the announcements. So
     * either the grace period sees this section and waits for it (up to {@link #CLOSE_GRACE_NANOS}),
     * or this load sees the flag.
     */
    ReadGuard enterOpen() {
        ReadGuard guard = allocator.enter();
        if (closed) {
            guard.exit();
            throw new IllegalStateException("the store is closed");
        }
        return guard;
    }

    private static int checkKey(MemorySegment key) {
        if (key == null) {
            throw new NullPointerException("key is null");
        }
        long n = key.byteSize();
        if (n == 0 || n > EntryLayout.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key length " + n + " must be between 1 and "
                    + EntryLayout.MAX_KEY_LENGTH + " bytes");
        }
        return (int) n;
    }

    private static MemorySegment checkValue(MemorySegment value) {
        if (value == null) {
            throw new NullPointerException("value is null");
        }
        return value;
    }

    private static MemorySegment checkDestination(MemorySegment dst) {
        if (dst == null) {
            throw new NullPointerException("destination is null");
        }
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("destination segment is read-only");
        }
        return dst;
    }

    private long entrySize(int keyLength, long valueLength, boolean ttl) {
        long size = EntryLayout.size(keyLength, valueLength, ttl);
        if (size > maxEntryBytes) {
            throw new IllegalArgumentException("entry of " + size + " bytes (key " + keyLength + " + value "
                    + valueLength + " + header " + (ttl ? EntryLayout.TTL_HEADER : EntryLayout.BASE_HEADER)
                    + ") is larger than the largest entry, " + maxEntryBytes + " bytes (a run of pages as long"
                    + " as one region: " + maxEntryBytes / allocator.pageSize() + " pages of " + allocator.pageSize()
                    + " bytes): values with this key may be at most " + (maxEntryBytes - (size - valueLength))
                    + " bytes");
        }
        return size;
    }

    private long deadline(long ttl, TimeUnit unit) {
        Objects.requireNonNull(unit, "TTL unit is null");
        if (ttl <= 0) {
            throw new IllegalArgumentException("TTL " + ttl + " " + unit + " must be positive");
        }
        long nanos = unit.toNanos(ttl);
        // toNanos saturates at Long.MAX_VALUE. The deadline itself may wrap: a TimeSource has any
        // origin (System.nanoTime() may be near Long.MAX_VALUE), and expired() compares by
        // subtraction, which is right across the wrap. Refusing now + nanos < now refused a 100 ns
        // TTL on a clock 50 ns below Long.MAX_VALUE.
        if (nanos == Long.MAX_VALUE) {
            throw new IllegalArgumentException("TTL " + ttl + " " + unit
                    + " overflows the clock: it must be less than about 292 years");
        }
        return clock.nanoTime() + nanos;
    }

    // ================================================================== reads

    @Override
    public int get(MemorySegment key, MemorySegment dst) {
        int klen = checkKey(key);
        checkDestination(dst);
        checkUsable();
        return read(KeyHash.hash(key, 0, klen), key, 0, klen, dst);
    }

    @Override
    public int get(long key, MemorySegment dst) {
        checkDestination(dst);
        checkUsable();
        return read(KeyHash.hash(key), null, key, Long.BYTES, dst);
    }

    @Override
    public byte[] get(byte[] key) {
        MemorySegment k = MemorySegment.ofArray(Objects.requireNonNull(key, "key is null"));
        int klen = checkKey(k);
        checkUsable();
        long hash = KeyHash.hash(k, 0, klen);
        ReadGuard guard = enterOpen();
        try {
            long word = find(hash, k, 0, klen);
            if (word == SlotWord.EMPTY) {
                misses.increment();
                return null;
            }
            long h = SlotWord.handle(word);
            MemorySegment page = allocator.segment(h);
            long e = allocator.offset(h);
            byte[] out = new byte[EntryLayout.valueLength(page, e)];
            MemorySegment.copy(page, EntryLayout.keyOffset(page, e) + klen, MemorySegment.ofArray(out), 0, out.length);
            touch(page, e);
            hits.increment();
            return out;
        } finally {
            guard.exit();
        }
    }

    /**
     * The get path. It walks the buckets itself instead of calling {@link #find}, on purpose: C2
     * inlines a callee only while the callee's own compiled code is under {@code InlineSmallCode}
     * (2,500 bytes), and find, hot on its own, compiles to 5-7 KB (the seven-slot match, bounds
     * checks and their slow paths), so read called it ("already compiled into a big method" in
     * -XX:+LogCompilation) unless read happened to compile first: a race between JVM launches. A
     * get at 1M entries with find called costs 340-430 ns, with this loop 240-250 ns (same build
     * otherwise, alternating launches; bench/results/NOTES.md, "A get's instruction budget"). The
     * loop is find's; what it calls (matchTag, keyEquals, expired, copyOut) compiles small and
     * inlines.
     */
    private int read(long hash, MemorySegment key, long longKey, int klen, MemorySegment dst) {
        ReadGuard guard = enterOpen();
        try {
            long tag = SlotWord.tag(hash);
            long b = index.home(hash);
            for (long n = index.buckets(); n > 0; n--) {
                for (int m = index.matchTag(b, tag); m != 0; m &= m - 1) {
                    long w = index.laSlot(OffHeapIndex.slot(b, Integer.numberOfTrailingZeros(m)));
                    long h = SlotWord.handle(w);
                    if (SlotWord.tagOf(w) == tag && keyEquals(h, key, longKey, klen)) {
                        return expired(h) ? miss() : copyOut(h, klen, dst);
                    }
                }
                if (index.laOverflow(b) == 0) {
                    break;
                }
                b = index.next(b);
            }
            return miss();
        } finally {
            guard.exit();
        }
    }

    private int miss() {
        misses.increment();
        return MISS;
    }

    /** A hit: copies the value into dst when it fits, records the access, returns its length. */
    private int copyOut(long h, int klen, MemorySegment dst) {
        MemorySegment page = allocator.segment(h);
        long e = allocator.offset(h);
        int vlen = EntryLayout.valueLength(page, e);
        if (vlen <= dst.byteSize()) {
            MemorySegment.copy(page, EntryLayout.keyOffset(page, e) + klen, dst, 0, vlen);
        }
        touch(page, e);
        hits.increment();
        return vlen;
    }

    @Override
    public boolean containsKey(MemorySegment key) {
        int klen = checkKey(key);
        checkUsable();
        return contains(KeyHash.hash(key, 0, klen), key, 0, klen);
    }

    @Override
    public boolean containsKey(long key) {
        checkUsable();
        return contains(KeyHash.hash(key), null, key, Long.BYTES);
    }

    private boolean contains(long hash, MemorySegment key, long longKey, int klen) {
        ReadGuard guard = enterOpen();
        try {
            return find(hash, key, longKey, klen) != SlotWord.EMPTY;
        } finally {
            guard.exit();
        }
    }

    /**
     * The slot word of the live entry for the key, or EMPTY. Inside a critical section. An expired
     * entry counts as absent. Walks buckets from the key's home until it finds the key or finishes
     * a bucket whose overflow count is zero.
     */
    private long find(long hash, MemorySegment key, long longKey, int klen) {
        long tag = SlotWord.tag(hash);
        long b = index.home(hash);
        for (long n = index.buckets(); n > 0; n--) {
            // Only the slots whose tag matches, found without a branch per slot (see matchTag).
            for (int m = index.matchTag(b, tag); m != 0; m &= m - 1) {
                long w = index.laSlot(OffHeapIndex.slot(b, Integer.numberOfTrailingZeros(m)));
                if (SlotWord.tagOf(w) == tag && keyEquals(SlotWord.handle(w), key, longKey, klen)) {
                    return expired(SlotWord.handle(w)) ? SlotWord.EMPTY : w;
                }
            }
            if (index.laOverflow(b) == 0) {
                return SlotWord.EMPTY;
            }
            b = index.next(b);
        }
        return SlotWord.EMPTY;
    }

    /**
     * Records a read in the entry's access hint. Writes the entry's own header (never the index or
     * a shared word), and only on its first two reads and its first read in each eviction tick
     * (see {@link AccessClock#needsTouch}): a store that is not evicting writes no header at all
     * once its entries have been read twice.
     */
    private void touch(MemorySegment page, long e) {
        int hint = EntryLayout.access(page, e);
        if (AccessClock.needsTouch(hint, accessClock.now())) {
            EntryLayout.access(page, e, accessClock.touched(hint));
        }
    }

    private boolean keyEquals(long handle, MemorySegment key, long longKey, int klen) {
        MemorySegment page = allocator.segment(handle);
        long e = allocator.offset(handle);
        if (EntryLayout.keyLength(page, e) != klen) {
            return false;
        }
        long k = EntryLayout.keyOffset(page, e);
        if (key == null) {
            return EntryLayout.longKey(page, k) == longKey;
        }
        return MemorySegment.mismatch(page, k, k + klen, key, 0, klen) < 0;
    }

    private boolean expired(long handle) {
        MemorySegment page = allocator.segment(handle);
        long e = allocator.offset(handle);
        return EntryLayout.hasTtl(page, e) && clock.nanoTime() - EntryLayout.expiry(page, e) >= 0;
    }

    // ================================================================== writes

    @Override
    public void put(MemorySegment key, MemorySegment value) {
        int klen = checkKey(key);
        checkValue(value);
        checkUsable();
        write(MODE_PUT, KeyHash.hash(key, 0, klen), key, 0, klen, value, false, 0);
    }

    @Override
    public void put(MemorySegment key, MemorySegment value, long ttl, TimeUnit unit) {
        int klen = checkKey(key);
        checkValue(value);
        checkUsable();
        write(MODE_PUT, KeyHash.hash(key, 0, klen), key, 0, klen, value, true, deadline(ttl, unit));
    }

    @Override
    public void put(long key, MemorySegment value) {
        checkValue(value);
        checkUsable();
        write(MODE_PUT, KeyHash.hash(key), null, key, Long.BYTES, value, false, 0);
    }

    @Override
    public void put(long key, MemorySegment value, long ttl, TimeUnit unit) {
        checkValue(value);
        checkUsable();
        write(MODE_PUT, KeyHash.hash(key), null, key, Long.BYTES, value, true, deadline(ttl, unit));
    }

    @Override
    public boolean putIfAbsent(MemorySegment key, MemorySegment value) {
        int klen = checkKey(key);
        checkValue(value);
        checkUsable();
        // Size checked before the lookup: an entry too large is refused whether or not the key is
        // present (it was refused only when the write went ahead, so the same call threw or not by state).
        entrySize(klen, value.byteSize(), false);
        long hash = KeyHash.hash(key, 0, klen);
        return !contains(hash, key, 0, klen)
                && write(MODE_IF_ABSENT, hash, key, 0, klen, value, false, 0) == RESULT_DONE;
    }

    @Override
    public boolean putIfAbsent(long key, MemorySegment value) {
        checkValue(value);
        checkUsable();
        entrySize(Long.BYTES, value.byteSize(), false);
        long hash = KeyHash.hash(key);
        return !contains(hash, null, key, Long.BYTES)
                && write(MODE_IF_ABSENT, hash, null, key, Long.BYTES, value, false, 0) == RESULT_DONE;
    }

    @Override
    public boolean replace(MemorySegment key, MemorySegment value) {
        int klen = checkKey(key);
        checkValue(value);
        checkUsable();
        entrySize(klen, value.byteSize(), false);
        long hash = KeyHash.hash(key, 0, klen);
        return contains(hash, key, 0, klen)
                && write(MODE_REPLACE, hash, key, 0, klen, value, false, 0) == RESULT_DONE;
    }

    @Override
    public boolean replace(long key, MemorySegment value) {
        checkValue(value);
        checkUsable();
        entrySize(Long.BYTES, value.byteSize(), false);
        long hash = KeyHash.hash(key);
        return contains(hash, null, key, Long.BYTES)
                && write(MODE_REPLACE, hash, null, key, Long.BYTES, value, false, 0) == RESULT_DONE;
    }

    /**
     * Writes a new entry and links it: in {@code MODE_PUT} always, in {@code MODE_IF_ABSENT} only
     * where the key has no live entry, in {@code MODE_REPLACE} only where it has one.
     */
    private int write(int mode, long hash, MemorySegment key, long longKey, int klen, MemorySegment value,
                      boolean ttl, long expiry) {
        long vlen = value.byteSize();
        long size = entrySize(klen, vlen, ttl);
        if (ttl && !sawTtl) {
            sawTtl = true; // lets the monitor skip TTL sweeps on stores that never had a TTL
        }
        // Allocate and fill outside any critical section: the chunk is private until the slot CAS.
        long h = allocate(size);
        try {
            MemorySegment page = allocator.segment(h);
            long e = allocator.offset(h);
            long k = EntryLayout.writeHeader(page, e, klen, (int) vlen, ttl, expiry,
                    window != null ? accessClock.freshInWindow() : accessClock.fresh());
            if (key == null) {
                EntryLayout.writeLongKey(page, k, longKey);
            } else {
                MemorySegment.copy(key, 0, page, k, klen);
            }
            MemorySegment.copy(value, 0, page, k + klen, vlen);
        } catch (RuntimeException | Error fault) {
            // The caller's segment could not be read (its arena closed, or it is confined to another
            // thread): give the chunk back, it was never published. It leaked before.
            allocator.free(h);
            throw fault;
        }
        long word = SlotWord.full(SlotWord.tag(hash), h);

        long probed = link(mode, hash, key, longKey, klen, word);
        if (probed == -1 && insideSharedForEach()) {
            // Cleaning tombstones waits until every critical section open at the mark has ended, and
            // this thread's forEach keeps one open around its visitor: it would wait for itself (a
            // put from a visitor into an index without an EMPTY slot spun forever). Refuse instead.
            allocator.free(h);
            throw new IllegalStateException("the index has no free slot, and its tombstones cannot be cleaned"
                    + " while this thread is inside forEach (the visitor's read section holds them back): put"
                    + " after forEach returns, or build the store with more expected entries");
        }
        for (int attempt = 0; probed == -1 && attempt < 64; attempt++) {
            // No EMPTY slot in the whole table: a cache makes room. Evict a few entries, turn their
            // tombstones back into EMPTY slots (outside any critical section), and try again.
            // The first round only cleans: when tombstones hold the room, cleaning them is enough,
            // and evicting first threw live entries away in a table that had space for every key.
            // Evict a batch (1/128 of the slots) per round, not a handful: each round's cleaning scans
            // the whole table, and a full index meets one put after another.
            if (attempt > 0 && entries.sum() >= index.capacity() / 2) {
                evictInline((int) Math.max(8, index.capacity() / 128));
            }
            cleaner.cleanFully();
            probed = link(mode, hash, key, longKey, klen, word);
        }
        if (probed == -1) {
            allocator.free(h);
            throw new IllegalStateException("the index is full: all " + index.capacity() + " slots hold entries"
                    + " (" + entries.sum() + " live); build the store with more expected entries");
        }
        if (probed < 0) {
            allocator.free(h); // never published
            return (int) -(probed + 2);
        }
        puts.increment();
        if (probed > 1 && entries.sum() + index.tombstones() > index.capacity() * maxIndexLoad) {
            // The index is nearly full (entries and tombstones alike take slots): probes end by
            // overflow counts, and the fuller the table the more buckets have overflowed, so every
            // insert and every miss walks further (SlabKV.Builder#maxIndexLoad says how much). Hold it
            // at maxIndexLoad without waiting for the monitor: evict a batch if entries fill it, and
            // turn tombstones back into EMPTY slots.
            if (entries.sum() > index.capacity() * maxIndexLoad) {
                evictInline((int) Math.max(8, index.capacity() / 128));
            }
            if (!insideSharedForEach()) {
                cleaner.cleanFully();
            }
        }
        if (probed > LONG_PROBE_BUCKETS && index.tombstones() > index.capacity() / 16) {
            cleaner.tryStep(); // a long walk through many tombstones: clean (a full scan, so not for a full table)
        }
        return RESULT_DONE;
    }

    /**
     * Links the entry {@code word} names, inside a critical section.
     *
     * <p>Walks the probe from the home bucket, checking every FULL slot's key and remembering the
     * first EMPTY slot, until the key turns up (replace) or the walk has passed a bucket with no
     * overflow and seen an EMPTY slot (insert there). The insert raises the overflow counts of the
     * buckets between home and that slot, then claims it by CAS; if the CAS loses, it lowers them
     * again and walks anew: the winner may have been an insert of this very key.
     *
     * @return the buckets walked (&ge; 0) when linked; -1 when the table has no EMPTY slot;
     *         {@code -(RESULT_PRESENT + 2)} or {@code -(RESULT_ABSENT + 2)} when the mode declined
     */
    private long link(int mode, long hash, MemorySegment key, long longKey, int klen, long word) {
        long tag = SlotWord.tag(hash);
        long home = index.home(hash);
        ReadGuard guard = enterOpen();
        try {
            retry:
            for (;;) {
                long b = home;
                long free = -1;
                long walked = 0;
                for (;;) {
                    for (int s = 1; s <= OffHeapIndex.BUCKET_SLOTS; s++) {
                        long slot = OffHeapIndex.slot(b, s);
                        long w = index.laSlot(slot);
                        while (w == SlotWord.CLEANING) {
                            // We walk past it: cancel the cleaning (CAS CLEANING -> TOMBSTONE), so it
                            // cannot turn EMPTY, and be claimed by another insert of our key, while our
                            // insert is in flight. If the cleaner emptied it first, the CAS fails: look
                            // at the slot again. It is EMPTY (a candidate for us as for everyone) or
                            // already claimed, perhaps by our key. Walking on as if it were cancelled
                            // made two inserts of one key link it twice: the one that came later took
                            // this emptied slot, this one took an EMPTY slot further on
                            // (DeletedSlotReuseTest in the stress module caught it).
                            w = index.casSlot(slot, SlotWord.CLEANING, SlotWord.TOMBSTONE)
                                    ? SlotWord.TOMBSTONE : index.laSlot(slot);
                        }
                        if (w == SlotWord.EMPTY) {
                            if (free < 0) {
                                free = slot;
                            }
                        } else if (SlotWord.tagOf(w) == tag && keyEquals(SlotWord.handle(w), key, longKey, klen)) {
                            long old = SlotWord.handle(w);
                            boolean wasExpired = expired(old);
                            if (mode == MODE_IF_ABSENT && !wasExpired) {
                                return -(RESULT_PRESENT + 2);
                            }
                            if (mode == MODE_REPLACE && wasExpired) {
                                return -(RESULT_ABSENT + 2);
                            }
                            // CAS old -> new: the replace's linearization point; publishes the entry.
                            if (index.casSlot(slot, w, word)) {
                                retire(old);
                                if (wasExpired) {
                                    expirations.increment();
                                }
                                return walked;
                            }
                            continue retry; // a concurrent write or remove changed the slot
                        }
                    }
                    if (free >= 0 && index.laOverflow(b) == 0) {
                        break; // the key is not in the table and we have a slot
                    }
                    if (++walked >= index.buckets()) {
                        if (free < 0) {
                            return -1;
                        }
                        break;
                    }
                    b = index.next(b);
                }
                if (mode == MODE_REPLACE) {
                    return -(RESULT_ABSENT + 2);
                }
                long target = OffHeapIndex.bucketOf(free);
                // Raise the overflow counts first: a lookup that finds the entry in a later bucket
                // must not stop early.
                index.addOverflow(home, target, 1);
                // CAS EMPTY -> FULL: the insert's linearization point; publishes the entry bytes.
                if (index.casSlot(free, SlotWord.EMPTY, word)) {
                    entries.increment();
                    if (sketch != null) {
                        // A new key (in cache-aside use, a miss): the history admission weighs. Only
                        // inserts: a put that overwrites a present key has its entry's own hint, and
                        // counting it too cost putOverwrite 25-35 % (a random sketch line per put).
                        sketch.increment(hash);
                    }
                    return walked;
                }
                index.addOverflow(home, target, -1);
            }
        } finally {
            guard.exit();
        }
    }

    private long allocate(long size) {
        long h = allocator.allocate(size);
        return h != ChunkHandle.NONE ? h : allocateUnderPressure(size);
    }

    private Evictor inlineEvictor() {
        return inlineEvictors[(int) (Thread.currentThread().threadId() & (inlineEvictors.length - 1))];
    }

    private void evictInline(int count) {
        Evictor evictor = inlineEvictor();
        synchronized (evictor) {
            evictor.evict(count, -1, EvictionCause.INLINE);
        }
    }

    /**
     * The hard limit is reached: evict on this thread until the chunk fits (see
     * {@link Evictor#makeRoom}: a victim of the entry's own class, or a whole page of the class
     * whose entries are coldest). The thread is outside any critical section here, so the retired
     * chunks come back as soon as other readers move on.
     */
    private long allocateUnderPressure(long size) {
        int sizeClass = allocator.classOf(size);
        long chunk = allocator.chunkBytes(size);
        boolean run = sizeClass == allocator.runClass(); // a value larger than a page: a run of pages
        long entryLimit = allocator.limit();
        if (chunk > entryLimit) {
            // A run up to a region may still be more than the whole limit leaves for entries: no
            // eviction can make room for it. Trying anyway held the put for the whole
            // INLINE_EVICTION_NANOS (both variants, the store not being empty), sampling and draining
            // any window of pages long enough, before this same exception.
            throw new MemoryLimitExceededException("no room for an entry of " + size + " bytes under the memory"
                    + " limit of " + memoryLimit + " bytes: it takes a run of " + chunk + " bytes, more than the "
                    + entryLimit + " bytes the limit leaves for entries beside the index (" + index.byteSize()
                    + " bytes); nothing was evicted");
        }
        int pages = (int) (chunk / allocator.pageSize());
        if (run && allocator.longestPossibleRun() < pages) {
            // Every region reserved is shorter than the run (reserved while the limit was lower) and
            // the limit leaves no room for another: eviction cannot make consecutive pages appear.
            throw new MemoryLimitExceededException("no room for an entry of " + size + " bytes under the memory"
                    + " limit of " + memoryLimit + " bytes: it takes a run of " + pages + " consecutive pages of one"
                    + " region, and the regions reserved hold at most " + allocator.longestPossibleRun()
                    + " pages (reserved while the limit was lower; lowering the limit and raising it again"
                    + " lets them be released and reserved whole); nothing was evicted");
        }
        try {
            return makeRoomAndAllocate(size, sizeClass, chunk, run, pages);
        } finally {
            if (run) {
                allocator.releaseRunHold(); // pages makeRoomForRun held for this run (see there)
            }
        }
    }

    /** allocateUnderPressure's loop: evict (or empty pages) until the chunk of {@code size} fits. */
    private long makeRoomAndAllocate(long size, int sizeClass, long chunk, boolean run, int pages) {
        Evictor evictor = inlineEvictor();
        long deadline = System.nanoTime() + INLINE_EVICTION_NANOS;
        long evicted = 0;
        for (int attempt = 0; ; attempt++) {
            // Evict until enough is on its way back for this chunk, then wait for the grace period
            // rather than evicting more: every other thread in a critical section delays the reuse.
            if (evicted < 2L * chunk || (attempt & 63) == 63) {
                synchronized (evictor) {
                    evicted += run ? evictor.makeRoomForRun(pages, EvictionCause.INLINE)
                            : evictor.makeRoom(sizeClass, EvictionCause.INLINE);
                }
            }
            allocator.reclaim();
            long h = allocator.allocate(size);
            if (h != ChunkHandle.NONE) {
                return h;
            }
            // An empty store gives up early only when nothing can come back: a confined one (it frees
            // at once, no other thread), or a put from inside this thread's own forEach (its read
            // section holds the epoch). Otherwise the memory may still be on its way: the put that
            // evicted the last entry (or drained its page, or met a sweep that did) threw
            // MemoryLimitExceededException after four quick attempts whenever a concurrent get held
            // the epoch for those microseconds, or another thread had taken the chunk off its limbo
            // list and not yet freed it (so no "pending" count can tell): GetEvictTest,
            // GetPageRecycleTest and PutExpiryTest in io.slabkv.stress.race. An empty shared store
            // gets its memory back (the entry is within the limit, checked above): wait for it.
            if ((entries.sum() <= 0 && attempt > 2 && (owner != null || insideSharedForEach()))
                    || System.nanoTime() - deadline > 0) {
                break; // nothing left to evict (the entry cannot fit at all), or no progress in time
            }
            if (attempt > 1024) {
                LockSupport.parkNanos(20_000);
            } else if (attempt > 16) {
                Thread.yield(); // let readers leave their critical sections so the epoch can move
            }
        }
        throw new MemoryLimitExceededException("no room for an entry of " + size + " bytes under the memory"
                + " limit of " + memoryLimit + " bytes (index " + index.byteSize() + " bytes, pages reserved "
                + allocator.reservedBytes() + " bytes, in use " + allocator.usedBytes() + " bytes), even after"
                + " evicting");
    }

    // ================================================================== eviction, for Evictor and Monitor

    /**
     * Evicts the entry {@code word} names from {@code slot} if the slot still holds exactly that word.
     * Inside a critical section.
     *
     * @return the chunk bytes freed, 0 if the slot had changed
     */
    int evictAt(long slot, long word, EvictionCause cause) {
        // The candidate may come from a sampling round of an earlier critical section (the victim
        // pool keeps candidates across rounds): its chunk may have been retired, freed and reused
        // since, by another entry or another size class. Reading it then (the hash below) read
        // garbage: a key length running off the page threw IndexOutOfBoundsException out of put, and
        // a wrong hash would lower the overflow counts of the wrong buckets. So check first, inside
        // this critical section, that the slot still holds the word: then the chunk is linked now,
        // cannot be freed before we leave, and the word cannot come back naming other bytes, so the
        // CAS below succeeds only for exactly the entry read here.
        if (index.laSlot(slot) != word) {
            return 0;
        }
        long h = SlotWord.handle(word);
        long hash = hashOfEntry(h);
        int bytes = allocator.chunkSize(h);
        // CAS FULL -> TOMBSTONE: fails if a put, remove or another evictor got there first.
        if (!index.casSlot(slot, word, SlotWord.TOMBSTONE)) {
            return 0;
        }
        if (sketch != null) {
            // What the entry's reads taught, kept for the key's next stay. Still safe to read: the
            // chunk is retired below, and freed only after this critical section. An entry with no
            // reads left to teach (level 0) raises nothing, so it skips the sketch line, a cache
            // miss: most victims of a store at its limit were never read again.
            int hint = EntryLayout.access(allocator.segment(h), allocator.offset(h));
            int level = AccessClock.decayedFrequency(hint, accessClock.age(hint));
            if (level > 0) {
                sketch.raise(hash, level);
            }
        }
        index.addOverflow(index.home(hash), OffHeapIndex.bucketOf(slot), -1);
        index.tombstoneAdded();
        entries.decrement();
        retire(h);
        accessClock.evicted();
        evictions[cause.ordinal()].increment();
        bytesFreed.add(bytes);
        return bytes;
    }

    /**
     * Evicts the entry stored in chunk {@code handle}, if the index links it (a chunk of a put still
     * in flight, or already retired, is not linked and is left alone). Inside a critical section.
     */
    int evictChunk(long handle, EvictionCause cause) {
        if (allocator.pageClass((int) (handle >>> allocator.pageShift())) < 0) {
            return 0; // the page went back to the pool: nothing of it is linked any more
        }
        MemorySegment page = allocator.segment(handle);
        long e = allocator.offset(handle);
        int chunk = allocator.chunkSize(handle);
        int klen = EntryLayout.keyLength(page, e);
        long vlen = EntryLayout.valueLength(page, e);
        if (klen == 0 || EntryLayout.size(klen, vlen, EntryLayout.hasTtl(page, e)) > chunk) {
            return 0; // not a complete entry: an insert still writing it
        }
        long hash = hashOfEntry(handle);
        long b = index.home(hash);
        for (long n = index.buckets(); n > 0; n--) {
            for (int s = 1; s <= OffHeapIndex.BUCKET_SLOTS; s++) {
                long slot = OffHeapIndex.slot(b, s);
                long w = index.laSlot(slot);
                if (SlotWord.isFull(w) && SlotWord.handle(w) == handle) {
                    return evictAt(slot, w, cause);
                }
            }
            if (index.laOverflow(b) == 0) {
                return 0;
            }
            b = index.next(b);
        }
        return 0;
    }

    void pageRecycled() {
        pagesRecycled.increment();
    }

    /** Removes expired entries from {@code count} buckets starting at {@code from}; returns how many. */
    int sweepExpired(long from, long count) {
        if (!sawTtl) {
            return 0;
        }
        int swept = 0;
        ReadGuard guard = allocator.enter();
        try {
            long b = from;
            for (long n = 0; n < count; n++) {
                for (int s = 1; s <= OffHeapIndex.BUCKET_SLOTS; s++) {
                    long slot = OffHeapIndex.slot(b, s);
                    long w = index.laSlot(slot);
                    if (SlotWord.isFull(w) && expired(SlotWord.handle(w))
                            && evictAt(slot, w, EvictionCause.EXPIRY) > 0) {
                        expirations.increment();
                        swept++;
                    }
                }
                b = index.next(b);
            }
        } finally {
            guard.exit();
        }
        return swept;
    }

    /** Bytes in entry chunks and the index over the memory limit: the monitor's pressure. */
    double pressure() {
        return (double) (allocator.usedBytes() + index.byteSize()) / memoryLimit;
    }

    /** Entries over index slots: the index fills up before memory does when entries are small. */
    double indexPressure() {
        return (double) entries.sum() / index.capacity();
    }

    OffHeapIndex index() {
        return index;
    }

    EvictionPolicy policy() {
        return policy;
    }

    AccessClock clock() {
        return accessClock;
    }

    /** The admission window, or null when new entries start in the main region. */
    AdmissionWindow window() {
        return window;
    }

    /** One step of the window's hill climbing, from the monitor's cycle (see {@link WindowClimber}). */
    void climbWindow() {
        if (climber != null) {
            climber.observe(hits.sum(), misses.sum(), entries.sum());
        }
    }

    /** Scales the eviction clock and the sketch's halving period to the entries held now. */
    void scaleToEntries() {
        long n = entries.sum();
        accessClock.scaleTo(n);
        if (sketch != null) {
            sketch.scaleTo(n);
        }
    }

    /**
     * The frequency an admission duel compares for the entry {@code word} names, whose access hint
     * the caller has just read (see {@link AdmissionWindow#frequency}). Inside a critical section,
     * with the entry linked.
     */
    int admissionFrequency(long word, int hint) {
        long h = SlotWord.handle(word);
        return window.frequency(hint, accessClock.age(hint), sketch == null ? 0 : hashOfEntry(h));
    }

    /**
     * Moves the window entry {@code word} names to the main region: clears its window bit. A plain
     * store of the hint, racy like every hint write (see EntryLayout): a get writing the hint at the
     * same moment may put the bit back (the entry duels again later) or lose its frequency bump.
     * Inside a critical section, with the entry linked (its chunk cannot be reused meanwhile).
     */
    void admit(long word) {
        long h = SlotWord.handle(word);
        MemorySegment page = allocator.segment(h);
        long e = allocator.offset(h);
        EntryLayout.access(page, e, accessClock.admitted(EntryLayout.access(page, e)));
    }

    long entryCount() {
        return entries.sum();
    }

    long indexBytes() {
        return index.byteSize();
    }

    @Override
    public long memoryLimit() {
        return memoryLimit;
    }

    @Override
    public void setMemoryLimit(long bytes) {
        checkUsable();
        long indexBytes = index.byteSize();
        long max = (long) allocator.maxPages() * allocator.pageSize() + indexBytes;
        // Not bytes - indexBytes: that overflows for bytes near Long.MIN_VALUE, which then got past
        // this check, was stored as the limit, and only failed in the allocator afterwards.
        if (bytes < indexBytes + allocator.pageSize() || bytes > max) {
            throw new IllegalArgumentException("memory limit " + bytes + " must be between " + (indexBytes
                    + allocator.pageSize()) + " (the index, " + indexBytes + " bytes, plus one page) and " + max
                    + " (the maximum memory limit set at build time)");
        }
        memoryLimit = bytes;
        monitor.shrinkTo(bytes - indexBytes);
    }

    @Override
    public Agent monitor() {
        return monitor;
    }

    // ================================================================== removes

    @Override
    public boolean remove(MemorySegment key) {
        int klen = checkKey(key);
        checkUsable();
        return unlink(KeyHash.hash(key, 0, klen), key, 0, klen);
    }

    @Override
    public boolean remove(long key) {
        checkUsable();
        return unlink(KeyHash.hash(key), null, key, Long.BYTES);
    }

    /** Removes the key's entry; returns whether it was live (an expired one is removed too). */
    private boolean unlink(long hash, MemorySegment key, long longKey, int klen) {
        long tag = SlotWord.tag(hash);
        long home = index.home(hash);
        ReadGuard guard = enterOpen();
        try {
            retry:
            for (;;) {
                long b = home;
                for (long n = index.buckets(); n > 0; n--) {
                    for (int s = 1; s <= OffHeapIndex.BUCKET_SLOTS; s++) {
                        long slot = OffHeapIndex.slot(b, s);
                        long w = index.laSlot(slot);
                        if (SlotWord.tagOf(w) != tag || !keyEquals(SlotWord.handle(w), key, longKey, klen)) {
                            continue;
                        }
                        long old = SlotWord.handle(w);
                        boolean wasExpired = expired(old);
                        // CAS FULL -> TOMBSTONE: the remove's linearization point.
                        if (!index.casSlot(slot, w, SlotWord.TOMBSTONE)) {
                            if (REMOVE_IGNORES_LOST_CAS) {
                                return true; // the injected fault: someone else's unlink taken for ours
                            }
                            continue retry; // changed under us: walk again
                        }
                        // Lower the counts only after the unlink: until then a lookup may need them.
                        index.addOverflow(home, b, -1);
                        index.tombstoneAdded();
                        entries.decrement();
                        retire(old);
                        if (wasExpired) {
                            expirations.increment();
                            return false;
                        }
                        removes.increment();
                        return true;
                    }
                    if (index.laOverflow(b) == 0) {
                        return false;
                    }
                    b = index.next(b);
                }
                return false;
            }
        } finally {
            guard.exit();
        }
    }

    // ================================================================== whole store

    @Override
    public long size() {
        checkUsable();
        return Math.max(0, entries.sum());
    }

    @Override
    public void clear() {
        checkUsable();
        long buckets = index.buckets();
        for (long b = 0; b < buckets; ) {
            ReadGuard guard = enterOpen(); // per block, so a long walk does not hold back reuse
            try {
                for (long end = Math.min(buckets, b + 512); b < end; b++) {
                    for (int s = 1; s <= OffHeapIndex.BUCKET_SLOTS; s++) {
                        long slot = OffHeapIndex.slot(b, s);
                        long w = index.laSlot(slot);
                        if (SlotWord.isFull(w) && index.casSlot(slot, w, SlotWord.TOMBSTONE)) {
                            long h = SlotWord.handle(w);
                            index.addOverflow(index.home(hashOfEntry(h)), b, -1);
                            index.tombstoneAdded();
                            entries.decrement();
                            retire(h);
                        }
                    }
                }
            } finally {
                guard.exit();
            }
        }
        if (!insideSharedForEach()) { // from a visitor it would wait for itself; the monitor cleans later
            cleaner.cleanFully();
        }
        allocator.reclaim();
    }

    /** Whether the calling thread is inside a forEach of this (shared) store. */
    private boolean insideSharedForEach() {
        return owner == null && sharedVisits.get()[0] > 0;
    }

    /** The hash of the key stored in an entry. Inside a critical section. */
    private long hashOfEntry(long handle) {
        MemorySegment page = allocator.segment(handle);
        long e = allocator.offset(handle);
        return KeyHash.hash(page, EntryLayout.keyOffset(page, e), EntryLayout.keyLength(page, e));
    }

    @Override
    public void forEach(EntryVisitor visitor) {
        Objects.requireNonNull(visitor, "visitor is null");
        checkUsable();
        boolean confined = owner != null;
        int[] depth = confined ? null : sharedVisits.get();
        if (confined) {
            visiting++;
        } else {
            depth[0]++;
        }
        try {
            walk(visitor);
        } finally {
            if (!confined) {
                depth[0]--;
            } else if (--visiting == 0) {
                for (int i = 0; i < retiredWhileVisitingCount; i++) {
                    allocator.retire(retiredWhileVisiting[i]);
                }
                retiredWhileVisitingCount = 0;
            }
        }
    }

    /**
     * Retires an unlinked entry's chunk. A confined allocator frees it at once, which is right except
     * while a forEach visitor runs on the owner thread: the visitor holds views of the entry it was
     * handed, and if it removes (or replaces) that entry and then puts another, the new entry could
     * get the very chunk back and overwrite the bytes the visitor is still reading (a rename in a
     * visitor stored a corrupt value). So until forEach returns, a confined store keeps them here.
     * A shared store needs nothing: the visitor's thread is inside a critical section.
     */
    private void retire(long handle) {
        if (visiting > 0) {
            if (retiredWhileVisitingCount == retiredWhileVisiting.length) {
                retiredWhileVisiting = java.util.Arrays.copyOf(retiredWhileVisiting,
                        Math.max(16, 2 * retiredWhileVisitingCount));
            }
            retiredWhileVisiting[retiredWhileVisitingCount++] = handle;
            return;
        }
        allocator.retire(handle);
    }

    private void walk(EntryVisitor visitor) {
        long buckets = index.buckets();
        for (long b = 0; b < buckets; ) {
            ReadGuard guard = enterOpen(); // per block, so a long walk does not hold back reuse
            try {
                for (long end = Math.min(buckets, b + 64); b < end; b++) {
                    for (int s = 1; s <= OffHeapIndex.BUCKET_SLOTS; s++) {
                        long w = index.laSlot(OffHeapIndex.slot(b, s));
                        if (!SlotWord.isFull(w) || expired(SlotWord.handle(w))) {
                            continue;
                        }
                        long h = SlotWord.handle(w);
                        MemorySegment page = allocator.segment(h);
                        long e = allocator.offset(h);
                        long k = EntryLayout.keyOffset(page, e);
                        int klen = EntryLayout.keyLength(page, e);
                        visitor.visit(page.asSlice(k, klen).asReadOnly(),
                                page.asSlice(k + klen, EntryLayout.valueLength(page, e)).asReadOnly());
                    }
                }
            } finally {
                guard.exit();
            }
        }
    }

    @Override
    public void maintain() {
        checkUsable();
        monitor.runOnce();
    }

    @Override
    public StoreStats stats() {
        // Any thread may read the statistics, a confined store's too (JMX reads them from its own).
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        var a = allocator.stats();
        long indexBytes = index.byteSize();
        return new StoreStats(hits.sum(), misses.sum(), puts.sum(), removes.sum(), expirations.sum(),
                Math.max(0, entries.sum()), a.usedBytes() + indexBytes, a.reservedBytes() + indexBytes,
                memoryLimit, indexBytes, index.capacity(), index.tombstones(),
                evictions[EvictionCause.PRESSURE.ordinal()].sum(), evictions[EvictionCause.INLINE.ordinal()].sum(),
                evictions[EvictionCause.EXPIRY.ordinal()].sum(), evictions[EvictionCause.PAGE_RECYCLE.ordinal()].sum(),
                bytesFreed.sum(), pagesRecycled.sum(), a.regionsReleased(), monitor.checks(),
                (double) (a.usedBytes() + indexBytes) / memoryLimit, monitor.peakPressure(),
                (a.peakReservedBytes() + indexBytes), policy.name(), sketch == null ? 0 : sketch.byteSize(), a);
    }

    @Override
    public boolean confined() {
        return owner != null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (owner != null && Thread.currentThread() != owner) {
            throw new WrongThreadException("this confined store belongs to thread '" + owner.getName()
                    + "'; close() was called from thread '" + Thread.currentThread().getName() + "'");
        }
        closed = true;
        monitor.stop();
        if (allocator instanceof SharedSlabAllocator shared && !shared.reclaimer().inCriticalSection()) {
            // Operations that passed the closed check before it flipped are still in their critical
            // sections: let them finish before their memory goes. (One that is slower than this gets
            // the closed arena's IllegalStateException, never a crash.)
            shared.reclaimer().awaitGracePeriod(CLOSE_GRACE_NANOS);
        }
        closeHook.run();
        allocator.close();
        index.close();
    }

    /** Runs {@code hook} when the store closes (the builder unregisters its JMX bean this way). */
    public void onClose(Runnable hook) {
        this.closeHook = Objects.requireNonNull(hook);
    }

    /** The allocator, for tests and the monitor. */
    public SlabAllocator allocator() {
        return allocator;
    }

    @Override
    public String toString() {
        return "SlabKV[" + (owner != null ? "confined" : "shared") + ", limit " + memoryLimit + ", index "
                + index.capacity() + " slots, " + allocator + "]";
    }

    /** The epoch clock of a shared store's allocator, as the cleaner's grace period. */
    private record EpochGrace(EpochReclaimer reclaimer) implements GracePeriod {
        @Override
        public long epoch() {
            return reclaimer.epoch();
        }

        @Override
        public boolean over(long since) {
            return reclaimer.epoch() >= since + 2;
        }

        @Override
        public void hurry() {
            reclaimer.tryAdvance();
        }
    }
}
