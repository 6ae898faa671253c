package io.slabkv.bench.replay;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exact LRU by bytes: a {@link LinkedHashMap} in access order; after a put, the least recently used
 * objects go until the sizes held fit the budget.
 */
final class ExactLru implements SimCache {

    private final long budget;
    private final LinkedHashMap<Long, Integer> map = new LinkedHashMap<>(1024, 0.75f, true);
    private long held;

    ExactLru(long budget) {
        this.budget = budget;
    }

    @Override
    public boolean get(long key, int size) {
        Integer v = map.get(key);
        return v != null && v == size;
    }

    @Override
    public void put(long key, int size) {
        Integer old = map.put(key, size);
        held += size - (old == null ? 0 : old);
        Iterator<Map.Entry<Long, Integer>> it = map.entrySet().iterator();
        while (held > budget && it.hasNext()) { // the new object is the most recent: it goes last
            held -= it.next().getValue();
            it.remove();
        }
    }

    @Override
    public long payload() {
        return held;
    }
}
