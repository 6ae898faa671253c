package io.slabkv.bench.store;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ConcurrentHashMap ConcurrentHashMap&lt;Long, byte[]&gt;}, presized for the entries. A put
 * stores a copy of the client's bytes (the map keeps the array it is given, so a caller whose buffer
 * is reused must copy: that allocation is the on-heap store's cost); a get hands back the map's own
 * array. Keys are boxed on every call, as for any {@code Map<Long, ...>}.
 */
public final class ConcurrentHashMapStore implements KvStore {

    private final ConcurrentHashMap<Long, byte[]> map;
    private final int valueSize;

    public ConcurrentHashMapStore(int entries, int valueSize) {
        this.map = new ConcurrentHashMap<>(entries);
        this.valueSize = valueSize;
    }

    @Override
    public Client client() {
        return new Client() {
            private byte[] value = new byte[valueSize];

            @Override
            public void setValue(byte[] v) {
                value = v.clone();
            }

            @Override
            public void put(long key) {
                map.put(key, value.clone());
            }

            @Override
            public int get(long key) {
                byte[] v = map.get(key);
                return v == null ? MISS : v.length;
            }

            @Override
            public boolean remove(long key) {
                return map.remove(key) != null;
            }
        };
    }

    @Override
    public long size() {
        return map.size();
    }

    @Override
    public byte[] read(long key) {
        byte[] v = map.get(key);
        return v == null ? null : v.clone();
    }

    @Override
    public void close() {
        map.clear();
    }

    @Override
    public String toString() {
        return "ConcurrentHashMap";
    }
}
