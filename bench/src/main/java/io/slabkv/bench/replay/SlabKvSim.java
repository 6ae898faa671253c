package io.slabkv.bench.replay;

import io.slabkv.Eviction;
import io.slabkv.MemoryLimitExceededException;
import io.slabkv.SlabKV;
import io.slabkv.StoreStats;
import io.slabkv.engine.entry.EntryLayout;
import io.slabkv.engine.index.OffHeapIndex;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The real store: a shared {@link SlabKV} with the background monitor off, whose monitor runs
 * ({@link SlabKV#maintain()}) after every {@code maintainEvery} requests, so a replay is repeatable.
 * Keys are {@code long}s (8 bytes in the entry); values are the object's size in bytes.
 */
final class SlabKvSim implements SimCache {

    /** Bytes an entry holds besides its value: the 8-byte header and the 8-byte key. */
    static final int ENTRY_OVERHEAD = EntryLayout.BASE_HEADER + Long.BYTES;

    private final SlabKV kv;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment value;
    private final MemorySegment dst;
    private final int maintainEvery;
    private long failedPuts;
    private long sumEntries;
    private long sumChunkBytes;
    private long statSamples;

    /**
     * @param allocatorBytes the store's memory limit beside its index
     * @param expectedEntries what the index is sized for
     */
    SlabKvSim(Eviction policy, long allocatorBytes, long expectedEntries, int pageSize, int maxValue, int maintainEvery) {
        long limit = indexBytes(expectedEntries) + allocatorBytes;
        SlabKV.Builder b = SlabKV.builder();
        // Per-part measurements of the size-aware policy (issue 4): -Dslabkv.replay.window=SHARE
        // (0: no admission window), -Dslabkv.replay.sketch=true|false and
        // -Dslabkv.replay.adaptive=true|false; unset: the defaults.
        if (policy == Eviction.SIZE_AWARE && System.getProperty("slabkv.replay.window") != null) {
            b.admissionWindow(Double.parseDouble(System.getProperty("slabkv.replay.window")));
        }
        if (policy == Eviction.SIZE_AWARE && System.getProperty("slabkv.replay.sketch") != null) {
            b.frequencySketch(Boolean.parseBoolean(System.getProperty("slabkv.replay.sketch")));
        }
        if (policy == Eviction.SIZE_AWARE && System.getProperty("slabkv.replay.adaptive") != null) {
            b.adaptiveWindow(Boolean.parseBoolean(System.getProperty("slabkv.replay.adaptive")));
        }
        this.kv = b
                .memoryLimit(limit)
                .maxMemoryLimit(limit) // the default, 4 GiB or more, sizes page tables for a million 4 KiB pages
                .expectedEntries(expectedEntries)
                .pageSize(pageSize)
                .eviction(policy)
                .shared()
                .backgroundMonitor(false)
                .build();
        if (kv.stats().indexBytes() != indexBytes(expectedEntries)) {
            kv.close();
            throw new IllegalStateException("the store's index takes " + kv.stats().indexBytes()
                    + " bytes, not the " + indexBytes(expectedEntries) + " computed for it");
        }
        this.maintainEvery = maintainEvery;
        this.value = arena.allocate(Math.max(1, maxValue), 8);
        this.dst = arena.allocate(Math.max(1, maxValue), 8);
    }

    /**
     * The largest entry the store holds with pages of {@code pageSize} and the default region: a run
     * of pages as long as one region (4 MiB, or one page when pages are larger).
     */
    static long maxEntry(int pageSize) {
        return Math.max(io.slabkv.arena.SlabAllocator.Builder.DEFAULT_REGION_BYTES, pageSize);
    }

    /** Index bytes for {@code expectedEntries}, computed as the store computes them. */
    static long indexBytes(long expectedEntries) {
        return OffHeapIndex.bytesFor(expectedEntries);
    }

    @Override
    public boolean get(long key, int size) {
        return kv.get(key, dst) == size;
    }

    @Override
    public void put(long key, int size) {
        try {
            kv.put(key, value.asSlice(0, size));
        } catch (MemoryLimitExceededException e) {
            failedPuts++;
        }
    }

    @Override
    public void afterRequest(long n) {
        if (n % maintainEvery == 0) {
            kv.maintain();
        }
    }

    @Override
    public long payload() {
        long[] sum = {0};
        kv.forEach((k, v) -> sum[0] += v.byteSize());
        return sum[0];
    }

    /** Records entries and chunk bytes now, for {@link #meanEntries()} and {@link #meanChunkBytes()}. */
    void sampleStats() {
        StoreStats s = kv.stats();
        sumEntries += s.entries();
        sumChunkBytes += s.bytesUsed() - s.indexBytes();
        statSamples++;
    }

    double meanEntries() {
        return statSamples == 0 ? 0 : (double) sumEntries / statSamples;
    }

    double meanChunkBytes() {
        return statSamples == 0 ? 0 : (double) sumChunkBytes / statSamples;
    }

    long failedPuts() {
        return failedPuts;
    }

    /** The store's statistics now. */
    StoreStats stats() {
        return kv.stats();
    }

    @Override
    public void close() {
        kv.close();
        arena.close();
    }
}
