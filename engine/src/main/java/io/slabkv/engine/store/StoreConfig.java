package io.slabkv.engine.store;

import io.slabkv.TimeSource;
import io.slabkv.arena.PageSource;
import io.slabkv.engine.evict.EvictionPolicy;

/** A store's settings, checked by the builder and by the allocator it creates. */
public record StoreConfig(long memoryLimit, long maxMemoryLimit, long expectedEntries, int pageSize, long regionSize,
                          double growthFactor, int minChunkSize, boolean confined, TimeSource timeSource,
                          PageSource pageSource, EvictionPolicy policy, double highWatermark, double lowWatermark,
                          double maxIndexLoad, boolean backgroundMonitor) {
}
