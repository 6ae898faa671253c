package io.slabkv;

import io.slabkv.arena.ConfinedArenaPageSource;
import io.slabkv.arena.PageSource;
import io.slabkv.arena.SharedArenaPageSource;
import io.slabkv.arena.SlabAllocator;
import io.slabkv.engine.evict.AdmissionWindow;
import io.slabkv.engine.evict.EvictionPolicy;
import io.slabkv.engine.evict.SampledLfu;
import io.slabkv.engine.evict.SampledLru;
import io.slabkv.engine.evict.SizeAwarePolicy;
import io.slabkv.engine.monitor.StoreMXBeanAdapter;
import io.slabkv.engine.store.Store;
import io.slabkv.engine.store.StoreConfig;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * An off-heap key-value store with a hard memory limit.
 *
 * <p>Keys are 1 to 65,535 bytes; values 0 bytes up to what fits one region (4 MiB by default, see
 * {@link Builder#regionSize}) with the key and an 8-byte (16 with a TTL) header. An entry up to a
 * page goes in a chunk of its size class; a larger one takes a run of consecutive pages of its own. The {@link MemorySegment} methods are the zero-allocation path: gets never
 * block, never write shared memory and never allocate; puts and removes never block and never
 * allocate. A {@code long} key is the same entry as its 8 little-endian bytes.
 *
 * <p>A <em>shared</em> store may be used by any thread. A <em>confined</em> store belongs to the thread
 * that built it; any other thread gets a {@link WrongThreadException}.
 *
 * <p>Bad input (null or empty key, an entry larger than a region, a non-positive TTL, a read-only
 * destination) gets an exception naming the value and the rule, and leaves the store unchanged. Use
 * after {@link #close()} throws {@link IllegalStateException}.
 *
 * <pre>{@code
 * try (SlabKV kv = SlabKV.builder().memoryLimit(1L << 30).expectedEntries(1_000_000).build()) {
 *     kv.put(42L, value);                    // value: a MemorySegment
 *     int n = kv.get(42L, buffer);           // SlabKV.MISS, or the value length
 *     if (n > buffer.byteSize()) { ... }     // too small: nothing copied, n is the length needed
 * }
 * }</pre>
 */
public sealed interface SlabKV extends AutoCloseable permits Store {

    /** What {@code get} returns when the key has no live entry. */
    int MISS = -1;

    static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ MemorySegment keys

    /** Stores {@code value} under {@code key}, replacing any value it had. */
    void put(MemorySegment key, MemorySegment value);

    /** Stores {@code value} under {@code key} for {@code ttl}; a read after that misses. */
    void put(MemorySegment key, MemorySegment value, long ttl, TimeUnit unit);

    /**
     * Copies the value of {@code key} into {@code dst} from offset 0.
     *
     * @return {@link #MISS}; or the value's length. When that is more than {@code dst.byteSize()},
     *         nothing was copied and the caller retries with a larger buffer.
     */
    int get(MemorySegment key, MemorySegment dst);

    /** Removes {@code key}; returns whether it had a live entry. */
    boolean remove(MemorySegment key);

    /** Stores {@code value} only if {@code key} has no live entry; returns whether it stored. */
    boolean putIfAbsent(MemorySegment key, MemorySegment value);

    /**
     * Stores {@code value} only if {@code key} has a live entry; returns whether it stored. The new
     * entry has no TTL, whatever the old one had (like {@link #put(MemorySegment, MemorySegment)}):
     * to keep an expiry, put with a TTL.
     */
    boolean replace(MemorySegment key, MemorySegment value);

    boolean containsKey(MemorySegment key);

    // ------------------------------------------------------------------ long keys

    void put(long key, MemorySegment value);

    void put(long key, MemorySegment value, long ttl, TimeUnit unit);

    int get(long key, MemorySegment dst);

    boolean remove(long key);

    boolean putIfAbsent(long key, MemorySegment value);

    /** {@link #replace(MemorySegment, MemorySegment)} for a {@code long} key: the new entry has no TTL. */
    boolean replace(long key, MemorySegment value);

    boolean containsKey(long key);

    // ------------------------------------------------------------------ byte[] convenience

    default void put(byte[] key, byte[] value) {
        put(MemorySegment.ofArray(Objects.requireNonNull(key, "key is null")),
                MemorySegment.ofArray(Objects.requireNonNull(value, "value is null")));
    }

    default void put(byte[] key, byte[] value, long ttl, TimeUnit unit) {
        put(MemorySegment.ofArray(Objects.requireNonNull(key, "key is null")),
                MemorySegment.ofArray(Objects.requireNonNull(value, "value is null")), ttl, unit);
    }

    /** The value of {@code key} as a new array, or null. Allocates: the segment overloads do not. */
    byte[] get(byte[] key);

    /** As {@link #get(MemorySegment, MemorySegment)}, into {@code dst} from index 0. */
    default int get(byte[] key, byte[] dst) {
        return get(MemorySegment.ofArray(Objects.requireNonNull(key, "key is null")),
                MemorySegment.ofArray(Objects.requireNonNull(dst, "destination is null")));
    }

    default boolean remove(byte[] key) {
        return remove(MemorySegment.ofArray(Objects.requireNonNull(key, "key is null")));
    }

    default boolean containsKey(byte[] key) {
        return containsKey(MemorySegment.ofArray(Objects.requireNonNull(key, "key is null")));
    }

    // ------------------------------------------------------------------ Agrona buffers

    /**
     * Stores bytes {@code [valueOffset, valueOffset + valueLength)} of {@code value} under bytes
     * {@code [keyOffset, keyOffset + keyLength)} of {@code key}. The buffers are read through their
     * backing array or address, never through Agrona's {@code UnsafeBuffer} accessors.
     */
    default void put(DirectBuffer key, int keyOffset, int keyLength,
                     DirectBuffer value, int valueOffset, int valueLength) {
        put(Buffers.segment(key, keyOffset, keyLength, "key"),
                Buffers.segment(value, valueOffset, valueLength, "value"));
    }

    /** As {@link #get(MemorySegment, MemorySegment)}, into {@code dst} from {@code dstOffset}. */
    default int get(DirectBuffer key, int keyOffset, int keyLength, MutableDirectBuffer dst, int dstOffset) {
        Objects.requireNonNull(dst, "destination is null");
        return get(Buffers.segment(key, keyOffset, keyLength, "key"),
                Buffers.segment(dst, dstOffset, dst.capacity() - dstOffset, "destination"));
    }

    default boolean remove(DirectBuffer key, int keyOffset, int keyLength) {
        return remove(Buffers.segment(key, keyOffset, keyLength, "key"));
    }

    // ------------------------------------------------------------------ the whole store

    /** Entries in the index (expired entries not yet swept included). */
    long size();

    /** Removes every entry. Weakly consistent with concurrent puts. */
    void clear();

    /**
     * Visits live entries. Weakly consistent: sees every entry present for the whole walk, and may
     * or may not see entries added or removed during it. Allocates a view per entry.
     */
    void forEach(EntryVisitor visitor);

    /**
     * Runs one duty cycle of the monitor on the calling thread: eviction above the high watermark,
     * a TTL sweep stripe, tombstone cleaning, reclamation. Deterministic tests and users who run no
     * background monitor call it.
     */
    void maintain();

    /** The hard limit on bytes reserved, index and pages together. */
    long memoryLimit();

    /**
     * Changes the memory limit at run time. Lowering it evicts and gives whole regions back to the
     * OS until the store fits; raising it lets the store grow (up to the maximum memory limit set
     * at build time).
     *
     * @throws IllegalArgumentException if {@code bytes} leaves no page beside the index, or is above
     *         the maximum memory limit
     */
    void setMemoryLimit(long bytes);

    /**
     * The monitor as an Agrona {@link org.agrona.concurrent.Agent}, for a user who runs it on their
     * own duty-cycle thread and {@code IdleStrategy} (build with {@code backgroundMonitor(false)}).
     */
    org.agrona.concurrent.Agent monitor();

    StoreStats stats();

    /** Whether the store belongs to one thread. */
    boolean confined();

    /** Releases every byte the store reserved. Later use throws {@link IllegalStateException}. */
    @Override
    void close();

    // ------------------------------------------------------------------ builder

    /** Builds a store; every setting is checked in {@link #build()}. */
    final class Builder {
        long memoryLimit = 64L << 20;
        long maxMemoryLimit = -1;
        long expectedEntries = 16_384;
        int pageSize; // 0: derived from the memory limit (defaultPageSize)
        long regionSize; // 0: the allocator's default
        double growthFactor = SlabAllocator.Builder.DEFAULT_GROWTH;
        int minChunkSize = SlabAllocator.Builder.DEFAULT_MIN_CHUNK;
        boolean confined;
        TimeSource timeSource = TimeSource.system();
        PageSource pageSource;
        Eviction eviction = Eviction.SIZE_AWARE;
        Double admissionWindow; // null: the policy's default
        Boolean frequencySketch; // null: the policy's default
        boolean adaptiveWindow;
        double highWatermark = 0.90;
        double lowWatermark = 0.85;
        double maxIndexLoad = 0.80;
        boolean backgroundMonitor = true;
        String jmxName;

        Builder() {
        }

        /** The hard limit on bytes reserved, index and pages together; default 64 MiB. */
        public Builder memoryLimit(long bytes) {
            this.memoryLimit = bytes;
            return this;
        }

        /**
         * The highest limit {@link SlabKV#setMemoryLimit} may set; default max(4 x limit, 4 GiB).
         * It costs little until the store grows: the page table takes about 100 bytes of Java heap
         * per page the store has reserved (its segment object included), in leaves of 1024 pages made as regions arrive, plus one
         * reference per word per 1024 pages of this maximum. Measured after GC, per store holding
         * one entry: 0.19 MB of heap at 16 MiB (3.9 MB when the table was sized for the maximum up
         * front), 0.33 MB at 64 MiB allowed 1 TiB (75 MB then, with the 1 MiB pages it got).
         */
        public Builder maxMemoryLimit(long bytes) {
            this.maxMemoryLimit = bytes;
            return this;
        }

        /**
         * Entries the index is sized for (it takes about 12.2 bytes per entry); default 16,384. The
         * index does not grow: the store holds at most {@link #maxIndexLoad} of its slots, about
         * 1.07 times this many entries by default, and evicts past that even when memory is left.
         */
        public Builder expectedEntries(long entries) {
            this.expectedEntries = entries;
            return this;
        }

        /**
         * Page size, a power of two, 4 KiB to 1 GiB; default {@link #defaultPageSize(long, long)} of the
         * memory limit and its maximum (64 KiB to 1 MiB up to a 1 TiB limit). Each size class holds whole pages, and each class in use holds at
         * least one partly carved page: with many classes in use under a small limit, smaller pages
         * waste less. Entries larger than a page take a run of pages.
         */
        public Builder pageSize(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("page size " + bytes + " must be a positive power of two");
            }
            this.pageSize = bytes;
            return this;
        }

        /** The smallest page a store gets by default: 16 chunks of a 4 KiB value. */
        public static final int MIN_DEFAULT_PAGE = 64 << 10;
        /** The largest page a store gets by default (and the allocator's own default). */
        public static final int MAX_DEFAULT_PAGE = SlabAllocator.Builder.DEFAULT_PAGE_SIZE;

        /**
         * The page size of a store with this memory limit when none is set: the largest power of two
         * at most {@code memoryLimit / 256}, kept between {@value #MIN_DEFAULT_PAGE} and
         * {@value #MAX_DEFAULT_PAGE} bytes (larger above a 1 TiB limit, whose default maximum would
         * need more than {@value #MAX_DEFAULT_PAGES} pages: see {@link #defaultPageSize(long, long)}).
         * <p>
         * Two wastes pull against each other. Each size class in use holds a partly carved page, so
         * large pages strand memory under a small limit, and once the pages are fewer than the classes
         * in use the classes keep draining each other's pages: 48 value sizes under 32 MiB held 6.3 MB
         * of values with 1 MiB pages and 24.2 MB with 128 KiB ({@code DefaultPageSizeTest}). A chunk
         * above half a page is alone on its page, so small pages waste the tail of pages of large
         * values: the same workload at 64 MiB held 45.0 MB with 64 KiB pages, 49.3 MB with 256 KiB and
         * 50.3 MB with 1 MiB. A 256th of the limit keeps at least 256 pages (more than the classes a
         * store uses) with pages as large as that allows.
         * A limit raised later with {@link SlabKV#setMemoryLimit} keeps the page size chosen here.
         * This is the page of a store whose maximum memory limit is the default; see
         * {@link #defaultPageSize(long, long)} for the rule with a larger maximum.
         */
        public static int defaultPageSize(long memoryLimit) {
            return defaultPageSize(memoryLimit, defaultMaxMemoryLimit(memoryLimit));
        }

        /**
         * {@link #defaultPageSize(long)}, but never so small that the maximum memory limit needs more
         * than {@value #MAX_DEFAULT_PAGES} pages. The page table's leaves follow the pages reserved,
         * but its top arrays hold nine references for every 1024 pages the maximum allows (about
         * 150 KB at 2^22 pages, twice that without compressed references), and a store grown to its
         * maximum holds about 100 bytes of heap per page (its words, the pool's, its segment). So a
         * maximum above 4 TiB gets pages above {@value #MAX_DEFAULT_PAGE} bytes (a 4 TiB store with
         * the default 16 TiB maximum: 4 MiB pages), up to the largest page, 1 GiB, and never above a
         * 16th of the limit: where that cap decides, the maximum may take more pages than
         * {@value #MAX_DEFAULT_PAGES}, up to what a store addresses (64 MiB allowed 2^52 bytes: 2^30
         * pages of 4 MiB, top arrays of about 38 MB). The default region, and with it the largest
         * entry, is max(4 MiB, page): a store above 1 TiB, whose page grows with it, takes larger
         * entries. (This floor was 2^20 pages while the table was sized for the maximum up front: a
         * 64 MiB store allowed 1 TiB then got 1 MiB pages, 64 of them; a 2 TiB store got 8 MiB pages,
         * and entries up to 8 MiB, where it now gets 2 MiB pages and entries up to 4 MiB unless
         * {@code regionSize} is set.)
         */
        public static int defaultPageSize(long memoryLimit, long maxMemoryLimit) {
            long page = Long.highestOneBit(Math.max(1, memoryLimit / 256));
            // Rounded up: a maximum just above 2^22 pages of a size needs the next size (floor division
            // gave 512 KiB pages, 2^22 + 1 of them, to a maximum of 2^41 + 256 KiB).
            long forMax = Math.max(1, Math.ceilDiv(maxMemoryLimit, MAX_DEFAULT_PAGES));
            page = Math.max(MIN_DEFAULT_PAGE, Math.min(MAX_DEFAULT_PAGE, page));
            forMax = Long.bitCount(forMax) == 1 ? forMax : Long.highestOneBit(forMax) << 1;
            // But never above a 16th of the limit: a maximum far above the limit would otherwise give
            // pages the limit cannot hold (64 MiB with a maximum of Long.MAX_VALUE got 1 GiB pages and
            // "memory limit 67108864 is too small ... one page of 1073741824 bytes"); the allocator
            // then names the maximum it cannot address.
            long fits = Math.max(MIN_DEFAULT_PAGE, Long.highestOneBit(Math.max(1, memoryLimit / 16)));
            return (int) Math.min(SlabAllocator.Builder.MAX_PAGE_SIZE, Math.max(page, Math.min(forMax, fits)));
        }

        /** The most pages the maximum memory limit may take with a default page: 2^22. */
        public static final long MAX_DEFAULT_PAGES = 1L << 22;

        /** The maximum memory limit of a store that sets none: max(4 x limit, 4 GiB), saturating. */
        static long defaultMaxMemoryLimit(long memoryLimit) {
            return memoryLimit > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : Math.max(4 * memoryLimit, 4L << 30);
        }

        /** The most bytes a page table of pages of {@code page} bytes addresses (the allocator's page count limit). */
        static long addressable(int page) {
            return (long) SlabAllocator.Builder.MAX_PAGES * page;
        }

        /** Refuses {@code bytes} (named {@code what}) beyond what pages of {@code page} bytes address. */
        private static void checkAddressable(String what, long bytes, int page) {
            if (bytes > addressable(page)) {
                throw new IllegalArgumentException(what + " " + bytes + " is more than a store addresses: "
                        + SlabAllocator.Builder.MAX_PAGES + " pages of " + page + " bytes"
                        + (page < SlabAllocator.Builder.MAX_PAGE_SIZE ? " (a larger pageSize addresses more)" : ""));
            }
        }

        /**
         * Bytes reserved from the page source at a time, at least one page; default 4 MiB, or one page
         * when pages are larger. The last region is the slack above what is used. Also the largest
         * entry (a run of pages is inside one region), at most 1 GiB.
         */
        public Builder regionSize(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("region size " + bytes + " must be positive (at least one page)");
            }
            this.regionSize = bytes;
            return this;
        }

        /** Growth between size classes, 1.05 to 2.0; lower packs tighter. Default 1.25. */
        public Builder growthFactor(double factor) {
            this.growthFactor = factor;
            return this;
        }

        /** Smallest chunk, a multiple of 8, at least 16; default 32. */
        public Builder minChunkSize(int bytes) {
            this.minChunkSize = bytes;
            return this;
        }

        /** Any thread may use the store (the default). */
        public Builder shared() {
            this.confined = false;
            return this;
        }

        /**
         * Only the thread that calls {@link #build()} may use the store. A confined store runs no
         * background monitor: its thread calls {@link SlabKV#maintain()} (puts still evict inline at
         * the limit).
         */
        public Builder confined() {
            this.confined = true;
            return this;
        }

        /** The clock TTLs run on; default {@link System#nanoTime()}. */
        public Builder timeSource(TimeSource clock) {
            this.timeSource = Objects.requireNonNull(clock, "time source is null");
            return this;
        }

        /** Where pages come from; default shared (or, for a confined store, confined) arenas. */
        public Builder pageSource(PageSource source) {
            this.pageSource = Objects.requireNonNull(source, "page source is null");
            return this;
        }

        /**
         * The admission window's share of the store's entries: new entries start in the window and
         * enter the main region only by beating its eviction victim in frequency when they leave
         * it (W-TinyLFU, see {@code io.slabkv.engine.evict.AdmissionWindow}); 0 turns the window off
         * (new entries start in the main region). Default {@value AdmissionWindow#DEFAULT_SHARE} for
         * {@link Eviction#SIZE_AWARE}, 0 for the sampled LRU and LFU policies. At most
         * {@value AdmissionWindow#MAX_SHARE}.
         */
        public Builder admissionWindow(double share) {
            this.admissionWindow = share;
            return this;
        }

        /**
         * Whether the store keeps a frequency sketch of its keys (counted when a put inserts a new
         * key and when an entry is evicted, never on gets or overwrites), which outlives eviction and adds to a window entry's frequency
         * in the admission duel. It is a {@code long[]} on the Java heap of about 4 bytes per
         * expected entry (at most 128 MiB), allocated at build time, <b>outside</b> the memory
         * limit. Default true for {@link Eviction#SIZE_AWARE}, false for the others; it has no use
         * without an admission window.
         */
        public Builder frequencySketch(boolean keep) {
            this.frequencySketch = keep;
            return this;
        }

        /**
         * Whether the monitor resizes the admission window by hill climbing on the hit ratio
         * (Caffeine's adaptive window, {@code io.slabkv.engine.evict.WindowClimber}), from the share
         * set by {@link #admissionWindow} up to {@value AdmissionWindow#MAX_SHARE}; default false. It
         * helps where recency wins and costs loops (see WindowClimber for the measurements). No
         * effect without a window, or without a monitor (background or {@link SlabKV#maintain}).
         */
        public Builder adaptiveWindow(boolean adaptive) {
            this.adaptiveWindow = adaptive;
            return this;
        }

        /** The eviction policy; default {@link Eviction#SIZE_AWARE}. */
        public Builder eviction(Eviction policy) {
            this.eviction = Objects.requireNonNull(policy, "eviction policy is null");
            return this;
        }

        /**
         * Pressure (bytes used / limit) above {@code high} makes the monitor evict down to
         * {@code low}; default 0.90 and 0.85. {@code 0 < low < high <= 1}.
         */
        public Builder watermarks(double high, double low) {
            this.highWatermark = high;
            this.lowWatermark = low;
            return this;
        }

        /** Whether a shared store runs its monitor on a daemon thread of its own; default true. */
        public Builder backgroundMonitor(boolean run) {
            this.backgroundMonitor = run;
            return this;
        }

        /**
         * The share of the index's slots the store fills before it evicts (the put that finds it full
         * evicts a batch inline; the background monitor evicts down to 0.05 below it); default 0.80,
         * {@code 0.5 <= share <= 1}.
         * <p>
         * Why not fuller: a probe ends at a bucket nobody's probe has passed, and entries never
         * move back towards home as slots empty, so under churn the share of such buckets shrinks
         * with the load. Held at 0.90 of its slots by a memory limit that fits more entries than the
         * index expects, puts at the limit slowed from 0.6 to 9.3 us over 7M puts (1M entries; more
         * and more buckets passed by probes); held at 0.80, 2.7-3.5 us, flat
         * ({@code io.slabkv.bench.probe.PutAtLimit}, bench/results/NOTES.md).
         */
        public Builder maxIndexLoad(double share) {
            this.maxIndexLoad = share;
            return this;
        }

        /** Registers a {@link SlabKVMXBean} as {@code io.slabkv:type=SlabKV,name=<name>}; default none. */
        public Builder jmxName(String name) {
            this.jmxName = Objects.requireNonNull(name, "JMX name is null");
            return this;
        }

        public SlabKV build() {
            if (expectedEntries <= 0 || expectedEntries > (1L << 40)) {
                throw new IllegalArgumentException("expected entries " + expectedEntries
                        + " must be between 1 and 2^40");
            }
            if (!(lowWatermark > 0 && lowWatermark < highWatermark && highWatermark <= 1)) {
                throw new IllegalArgumentException("watermarks high " + highWatermark + " and low " + lowWatermark
                        + " must satisfy 0 < low < high <= 1");
            }
            if (!(maxIndexLoad >= 0.5 && maxIndexLoad <= 1)) {
                throw new IllegalArgumentException("maximum index load " + maxIndexLoad
                        + " must be between 0.5 and 1 (the share of the index's slots the store fills)");
            }
            PageSource source = pageSource != null ? pageSource
                    : confined ? ConfinedArenaPageSource.INSTANCE : SharedArenaPageSource.INSTANCE;
            long max = maxMemoryLimit > 0 ? maxMemoryLimit : defaultMaxMemoryLimit(memoryLimit);
            int page = pageSize != 0 ? pageSize : defaultPageSize(memoryLimit, max);
            if (page > 0) { // page <= 0: the allocator names it
                checkAddressable("memory limit", memoryLimit, page);
                if (maxMemoryLimit > 0) {
                    checkAddressable("maximum memory limit", maxMemoryLimit, page);
                }
            }
            if (maxMemoryLimit <= 0 && page > 0) {
                // The default maximum, never more than the page table addresses: a limit of 2^62 got
                // "maximum memory limit 4294967296 must be at least the memory limit ...", a maximum
                // nobody had set (4 x limit overflowed).
                max = Math.max(memoryLimit, Math.min(max, addressable(page)));
            }
            if (max < memoryLimit) {
                throw new IllegalArgumentException("maximum memory limit " + max + " must be at least the memory limit "
                        + memoryLimit);
            }
            double window = admissionWindow == null
                    ? (eviction == Eviction.SIZE_AWARE ? AdmissionWindow.DEFAULT_SHARE : 0) : admissionWindow;
            if (!(window == 0 || (window > 0 && window <= AdmissionWindow.MAX_SHARE))) {
                throw new IllegalArgumentException("admission window " + admissionWindow
                        + " must be 0 (no window) or above 0 and at most " + AdmissionWindow.MAX_SHARE);
            }
            boolean sketch = frequencySketch != null ? frequencySketch : eviction == Eviction.SIZE_AWARE;
            EvictionPolicy policy = switch (eviction) {
                case SIZE_AWARE -> new SizeAwarePolicy();
                case SAMPLED_LRU -> new SampledLru();
                case SAMPLED_LFU -> new SampledLfu();
            };
            Store store = new Store(new StoreConfig(memoryLimit, max, expectedEntries, page, regionSize,
                    growthFactor, minChunkSize, confined, timeSource, source, policy, highWatermark, lowWatermark,
                    maxIndexLoad, backgroundMonitor, window, sketch, adaptiveWindow));
            if (jmxName != null) {
                try {
                    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
                    ObjectName name = new ObjectName("io.slabkv:type=SlabKV,name=" + ObjectName.quote(jmxName));
                    server.registerMBean(new StoreMXBeanAdapter(store), name);
                    store.onClose(() -> {
                        try {
                            server.unregisterMBean(name);
                        } catch (JMException ignored) {
                            // already gone: nothing to undo
                        }
                    });
                } catch (JMException e) {
                    store.close();
                    throw new IllegalArgumentException("JMX name '" + jmxName + "' cannot be registered: " + e, e);
                }
            }
            return store;
        }
    }
}
