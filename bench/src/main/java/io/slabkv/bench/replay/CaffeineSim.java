package io.slabkv.bench.replay;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Caffeine (W-TinyLFU) bounded by weight: {@code maximumWeight(budget)}, each entry weighing its
 * object size. Maintenance runs on the calling thread ({@code executor(Runnable::run)}) and
 * {@code cleanUp()} after every request, so every read reaches the policy before the next request.
 */
final class CaffeineSim implements SimCache {

    private final Cache<Long, Integer> cache;

    CaffeineSim(long budget) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(budget)
                .weigher((Long k, Integer size) -> size)
                .executor(Runnable::run)
                .build();
    }

    @Override
    public boolean get(long key, int size) {
        Integer v = cache.getIfPresent(key);
        return v != null && v == size;
    }

    @Override
    public void put(long key, int size) {
        cache.put(key, size);
    }

    @Override
    public void afterRequest(long n) {
        cache.cleanUp();
    }

    @Override
    public long payload() {
        return cache.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }
}
