package io.slabkv.engine.evict;

/** Sampled LRU: the entry read longest ago goes first, whatever its size or frequency. */
public final class SampledLru implements EvictionPolicy {

    @Override
    public double score(int hint, int age, int size) {
        return -age;
    }

    @Override
    public String name() {
        return "sampled-lru";
    }
}
