package io.slabkv.engine.store;

import io.slabkv.TimeSource;
import io.slabkv.arena.PageSource;
import io.slabkv.engine.evict.EvictionPolicy;

/**
 * A store's settings, checked by the builder and by the allocator it creates. {@code admissionWindow}
 * is the admission window's share of the store's entries (0: no window, see AdmissionWindow);
 * {@code frequencySketch} whether the store keeps a FrequencySketch of its keys' writes;
 * {@code adaptiveWindow} whether a WindowClimber resizes the window from the monitor's cycle.
 */
public record StoreConfig(long memoryLimit, long maxMemoryLimit, long expectedEntries, int pageSize, long regionSize,
                          double growthFactor, int minChunkSize, boolean confined, TimeSource timeSource,
                          PageSource pageSource, EvictionPolicy policy, double highWatermark, double lowWatermark,
                          double maxIndexLoad, boolean backgroundMonitor, double admissionWindow,
                          boolean frequencySketch, boolean adaptiveWindow) {
}
