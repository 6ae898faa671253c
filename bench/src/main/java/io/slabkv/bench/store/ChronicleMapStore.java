package io.slabkv.bench.store;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * An in-memory (not persisted) Chronicle Map {@code <Long, byte[]>} sized for the entries, with an
 * average (not constant) value size, as a general cache would be configured.
 * <p>
 * Used the garbage-free way its documentation recommends: gets read into the client's own array
 * ({@link ChronicleMap#getUsing}); puts and removes go through a query context under the entry's
 * write lock, because {@code put} and {@code remove} deserialize and return the previous value.
 * <p>
 * On JDK 17+ Chronicle needs {@code --add-opens}/{@code --add-exports} flags: see
 * {@link ChronicleMapBenchmark}.
 */
public final class ChronicleMapStore implements KvStore {

    private final ChronicleMap<Long, byte[]> map;
    private final int valueSize;

    public ChronicleMapStore(int entries, int valueSize) {
        this.valueSize = valueSize;
        this.map = ChronicleMapBuilder.of(Long.class, byte[].class)
                .name("slabkv-bench")
                .entries(entries + 1024L) // room for the fresh keys the threads put and remove
                .averageValueSize(valueSize)
                .create();
    }

    @Override
    public Client client() {
        return new Client() {
            private byte[] value = new byte[valueSize];
            private final byte[] using = new byte[valueSize];

            @Override
            public void setValue(byte[] v) {
                value = v.clone();
            }

            @Override
            public void put(long key) {
                try (ExternalMapQueryContext<Long, byte[], ?> c = map.queryContext(key)) {
                    c.writeLock().lock();
                    MapEntry<Long, byte[]> e = c.entry();
                    if (e != null) {
                        c.replaceValue(e, c.wrapValueAsData(value));
                    } else {
                        c.insert(c.absentEntry(), c.wrapValueAsData(value));
                    }
                }
            }

            @Override
            public int get(long key) {
                byte[] v = map.getUsing(key, using);
                return v == null ? MISS : v.length;
            }

            @Override
            public boolean remove(long key) {
                try (ExternalMapQueryContext<Long, byte[], ?> c = map.queryContext(key)) {
                    c.writeLock().lock();
                    MapEntry<Long, byte[]> e = c.entry();
                    if (e == null) {
                        return false;
                    }
                    c.remove(e);
                    return true;
                }
            }
        };
    }

    @Override
    public long size() {
        return map.longSize();
    }

    /** {@link ChronicleMap#offHeapMemoryUsed()}: the map's segments, sized for all its entries at creation. */
    @Override
    public long offHeapBytes() {
        return map.offHeapMemoryUsed();
    }

    @Override
    public byte[] read(long key) {
        return map.get(key);
    }

    @Override
    public void close() {
        map.close();
    }

    @Override
    public String toString() {
        return "ChronicleMap";
    }
}
