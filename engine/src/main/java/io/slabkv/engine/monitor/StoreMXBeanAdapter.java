package io.slabkv.engine.monitor;

import io.slabkv.SlabKV;
import io.slabkv.SlabKVMXBean;
import io.slabkv.StoreStats;

/** Presents a store's statistics as a {@link SlabKVMXBean}; each attribute read takes a snapshot. */
public final class StoreMXBeanAdapter implements SlabKVMXBean {

    private final SlabKV store;

    public StoreMXBeanAdapter(SlabKV store) {
        this.store = store;
    }

    private StoreStats s() {
        return store.stats();
    }

    @Override public long getEntries() { return s().entries(); }
    @Override public long getHits() { return s().hits(); }
    @Override public long getMisses() { return s().misses(); }
    @Override public double getHitRatio() { return s().hitRatio(); }
    @Override public long getPuts() { return s().puts(); }
    @Override public long getRemoves() { return s().removes(); }
    @Override public long getExpirations() { return s().expirations(); }
    @Override public long getEvictions() { return s().evictions(); }
    @Override public long getEvictionsByPressure() { return s().evictionsPressure(); }
    @Override public long getEvictionsInline() { return s().evictionsInline(); }
    @Override public long getEvictionsExpired() { return s().evictionsExpired(); }
    @Override public long getEvictionsPageRecycle() { return s().evictionsPageRecycle(); }
    @Override public long getBytesUsed() { return s().bytesUsed(); }
    @Override public long getBytesReserved() { return s().bytesReserved(); }
    @Override public long getMemoryLimit() { return s().memoryLimit(); }
    @Override public double getPressure() { return s().pressure(); }
    @Override public double getPeakPressure() { return s().peakPressure(); }
    @Override public long getMonitorChecks() { return s().monitorChecks(); }
    @Override public String getEvictionPolicy() { return s().evictionPolicy(); }
}
