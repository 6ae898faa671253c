package io.slabkv.engine.evict;

/** Sampled LFU with decay: the least frequently read entry goes first; ties go to the older one. */
public final class SampledLfu implements EvictionPolicy {

    @Override
    public double score(int hint, int age, int size) {
        return AccessClock.decayedFrequency(hint, age) - age / 4096.0;
    }

    @Override
    public String name() {
        return "sampled-lfu";
    }
}
