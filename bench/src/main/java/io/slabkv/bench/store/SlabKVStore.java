package io.slabkv.bench.store;

import io.slabkv.SlabKV;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A shared {@link SlabKV} store with its defaults (background monitor, size-aware eviction),
 * sized by {@code expectedEntries} and a memory limit far above the loaded bytes so nothing is
 * evicted while measuring. The {@code long}-key, {@link MemorySegment}-value API: a put copies the
 * client's segment in, a get copies the value out into the client's segment.
 */
public final class SlabKVStore implements KvStore {

    private final SlabKV store;

    public SlabKVStore(int entries) {
        this.store = SlabKV.builder()
                .memoryLimit((long) entries * 512 + (64L << 20))
                .expectedEntries(entries)
                .build();
    }

    @Override
    public Client client() {
        return new Client() {
            private final MemorySegment value = Arena.ofAuto().allocate(Workload.VALUE_SIZE, 8);
            private final MemorySegment dst = Arena.ofAuto().allocate(Workload.VALUE_SIZE, 8);

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
        byte[] v = new byte[Workload.VALUE_SIZE];
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
