package io.slabkv.bench.store;

import io.slabkv.SlabKV;
import io.slabkv.nativemem.MmapPageSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A shared {@link SlabKV} store with its defaults (background monitor, size-aware eviction),
 * sized by {@code expectedEntries} and a memory limit far above the loaded bytes (see
 * {@link #memoryLimit}) so nothing is evicted while measuring. The {@code long}-key, {@link MemorySegment}-value API: a put copies the
 * client's segment in, a get copies the value out into the client's segment.
 */
public final class SlabKVStore implements KvStore {

    private final SlabKV store;
    private final int valueSize;

    public SlabKVStore(int entries, int valueSize) {
        this(entries, valueSize, false);
    }

    /**
     * With {@code hugePages}, the store takes its memory (pages and index) from an
     * {@link MmapPageSource} with transparent huge pages and pre-faulting, and 2 MiB allocator pages
     * (a freed page then gives back whole huge pages): the setting for a user who wants the fastest
     * random gets (fewer TLB misses), at the price of touching every region as it is reserved.
     */
    public SlabKVStore(int entries, int valueSize, boolean hugePages) {
        this.valueSize = valueSize;
        SlabKV.Builder b = SlabKV.builder()
                .memoryLimit(memoryLimit(entries, valueSize))
                .expectedEntries(entries);
        if (hugePages) {
            b.pageSource(MmapPageSource.builder().transparentHugePages(true).prefault(true).build())
                    .pageSize(2 << 20);
        }
        this.store = b.build();
    }

    /**
     * A limit no load of {@code entries} reaches: 512 bytes per entry (values up to 100 bytes), or
     * twice the value plus 64 bytes for larger values, plus 64 MiB. Off-heap stores with a capacity
     * (OHC) get the same. It is a ceiling, not a reservation: regions are reserved as entries arrive.
     */
    static long memoryLimit(int entries, int valueSize) {
        return (long) entries * Math.max(512, 2L * (valueSize + 64)) + (64L << 20);
    }

    @Override
    public Client client() {
        return new Client() {
            private final MemorySegment value = Arena.ofAuto().allocate(valueSize, 8);
            private final MemorySegment dst = Arena.ofAuto().allocate(valueSize, 8);

            @Override
            public void setValue(byte[] v) {
                value.copyFrom(MemorySegment.ofArray(v));
            }

            @Override
            public void put(long key) {
                store.put(key, value);
            }

            @Override
            public int get(long key) {
                return store.get(key, dst);
            }

            @Override
            public boolean remove(long key) {
                return store.remove(key);
            }
        };
    }

    @Override
    public long size() {
        return store.size();
    }

    /** {@code stats().bytesReserved()}: the index plus every region reserved (pages, filled or not). */
    @Override
    public long offHeapBytes() {
        return store.stats().bytesReserved();
    }

    @Override
    public byte[] read(long key) {
        byte[] v = new byte[valueSize];
        int n = store.get(key, MemorySegment.ofArray(v));
        if (n == SlabKV.MISS) {
            return null;
        }
        return n <= v.length ? Arrays.copyOf(v, n) : new byte[n]; // longer than expected: nothing was copied
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
