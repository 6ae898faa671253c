package io.slabkv;

/**
 * The JMX view of a store's statistics, registered when the builder is given a JMX name
 * ({@code io.slabkv:type=SlabKV,name=<name>}). Every attribute is read from a fresh
 * {@link StoreStats} snapshot.
 */
public interface SlabKVMXBean {
    long getEntries();
    long getHits();
    long getMisses();
    double getHitRatio();
    long getPuts();
    long getRemoves();
    long getExpirations();
    long getEvictions();
    long getEvictionsByPressure();
    long getEvictionsInline();
    long getEvictionsExpired();
    long getEvictionsPageRecycle();
    long getBytesUsed();
    long getBytesReserved();
    long getMemoryLimit();
    double getPressure();
    double getPeakPressure();
    long getMonitorChecks();
    String getEvictionPolicy();
}
