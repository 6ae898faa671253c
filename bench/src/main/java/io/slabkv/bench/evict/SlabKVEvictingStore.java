package io.slabkv.bench.evict;

import io.slabkv.SlabKV;
import io.slabkv.StoreStats;
import io.slabkv.arena.SizeClasses;
import io.slabkv.arena.SlabAllocator;
import io.slabkv.engine.entry.EntryLayout;
import io.slabkv.engine.index.OffHeapIndex;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A shared {@link SlabKV} store as a user builds it: default size-aware eviction, default background
 * monitor (evicting from the 0.90 to the 0.85 watermark of the limit), default size classes, 1 MiB
 * pages, and a {@code memoryLimit} computed to hold {@code held} entries. The pages are set: they
 * were the store's default until it began to follow the limit (SlabKV.Builder.defaultPageSize),
 * which would give this limit (66,995,648 bytes for 500,000) 128 KiB pages; kept at 1 MiB so the
 * results compare with the earlier runs. The {@code long}-key, {@link MemorySegment}-value API: a put copies the client's
 * segment in, a get copies the value out into the client's segment; neither allocates.
 *
 * <h2>The limit</h2>
 * The same hard cap as the peers': at its limit the store holds {@code held} entries and no more.
 * The limit covers the index and the pages. An entry is an 8-byte header, the key and the value
 * ({@value Payload#KEY_SIZE} + {@value Payload#VALUE_SIZE} bytes), in a chunk of the smallest size
 * class that fits (120 bytes by default), so:
 * <pre>
 *   pages           = ceil(held / chunks per page)
 *   expectedEntries = pages x chunks per page             (what the pages hold at the hard limit)
 *   memoryLimit     = index bytes for expectedEntries (as the store takes them) + pages x page size
 * </pre>
 * The monitor evicts from the 0.90 to the 0.85 watermark (bytes used / limit, index included), so
 * a store at rest holds about 0.87 of {@code held}; it reaches {@code held} when puts outrun the
 * monitor and evict at the hard limit themselves. That headroom is slabkv's design, and its cost
 * shows in the hit ratio; the benchmark prints the entries held after every iteration.
 *
 * <p>{@code expectedEntries} is sized for the hard limit, not for {@code held} x 0.87: the store
 * reaches the hard limit whenever puts outrun the monitor, and an index sized for fewer entries
 * than the pages hold is then above its own high watermark (entries plus tombstones over 0.90 of
 * its slots), where puts clean the whole index over and over. Sized that way (expectedEntries =
 * 500,000 with pages for 576,708), this workload ran at about 20,000 operations per second (JDK 25,
 * the 2-core machine, engine at 4c588e6).
 */
final class SlabKVEvictingStore implements EvictingStore {

    private final SlabKV store;
    private final long held;
    private final long indexBytes;
    private final int chunkSize;
    private final long pages;
    private final long expectedEntries;
    private final int pageSize;

    SlabKVEvictingStore(long held) {
        this(held, SlabAllocator.Builder.DEFAULT_PAGE_SIZE);
    }

    /** With {@code pageSize} instead of 1 MiB: small stores for tests, with as many pages as big ones. */
    SlabKVEvictingStore(long held, int pageSize) {
        int entryBytes = EntryLayout.BASE_HEADER + Payload.KEY_SIZE + Payload.VALUE_SIZE;
        SizeClasses classes = new SizeClasses(SlabAllocator.Builder.DEFAULT_MIN_CHUNK,
                SlabAllocator.Builder.DEFAULT_GROWTH, pageSize);
        int sizeClass = classes.classOf(entryBytes);
        this.held = held;
        this.chunkSize = classes.chunkSize(sizeClass);
        this.pages = (held + classes.chunksPerPage(sizeClass) - 1) / classes.chunksPerPage(sizeClass);
        this.expectedEntries = pages * classes.chunksPerPage(sizeClass);
        this.pageSize = pageSize;
        // The index as the store computes it; if the store rounds it (to its page source's pages, say),
        // build again with the index it took, so the pages get exactly their share of the limit.
        long index = OffHeapIndex.bucketsFor(expectedEntries) * OffHeapIndex.BUCKET_BYTES;
        SlabKV built = build(index);
        long actual = built.stats().indexBytes();
        if (actual != index) {
            built.close();
            built = build(actual);
            if (built.stats().indexBytes() != actual) {
                long again = built.stats().indexBytes();
                built.close();
                throw new IllegalStateException("the store's index took " + actual + " bytes, then " + again);
            }
        }
        this.indexBytes = actual;
        this.store = built;
    }

    private SlabKV build(long index) {
        return SlabKV.builder()
                .memoryLimit(index + pages * pageSize)
                .expectedEntries(expectedEntries)
                .pageSize(pageSize)
                .build();
    }

    @Override
    public Client client() {
        return new Client() {
            private final MemorySegment value = Arena.ofAuto().allocate(Payload.VALUE_SIZE, 8)
                    .copyFrom(MemorySegment.ofArray(Payload.newBuffer()));
            private final MemorySegment dst = Arena.ofAuto().allocate(Payload.VALUE_SIZE, 8);

            @Override
            public int get(long key) {
                return store.get(key, dst);
            }

            @Override
            public void put(long key) {
                Payload.stamp(value, key);
                store.put(key, value);
            }

            @Override
            public byte[] lastValue() {
                return dst.toArray(ValueLayout.JAVA_BYTE);
            }
        };
    }

    @Override
    public long entries() {
        return store.size();
    }

    /** Waits (up to 2 s) for the monitor to bring the store under its high watermark. */
    @Override
    public void settle() {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (store.stats().pressure() > 0.90 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** {@link StoreStats#bytesReserved()}: the index plus every page reserved, what the limit bounds. */
    @Override
    public long charged() {
        return store.stats().bytesReserved();
    }

    /** The highest {@link #charged()} so far. */
    long peakCharged() {
        return store.stats().peakReservedBytes();
    }

    @Override
    public long limit() {
        return store.memoryLimit();
    }

    @Override
    public String describeLimit() {
        return String.format("memoryLimit %,d B = index %,d B (expectedEntries %,d) + %,d pages of %,d B "
                        + "(%,d-byte chunks, %,d a page)", limit(), indexBytes, expectedEntries, pages,
                pageSize, chunkSize, pageSize / chunkSize);
    }

    StoreStats stats() {
        return store.stats();
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "SlabKV";
    }
}
