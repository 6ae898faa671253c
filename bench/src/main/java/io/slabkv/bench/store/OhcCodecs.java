package io.slabkv.bench.store;

import org.caffinitas.ohc.CacheSerializer;
import org.caffinitas.ohc.OHCacheBuilder;

import java.nio.ByteBuffer;

/**
 * What every OHC adapter of the benchmarks shares: the serializers of a {@code <Long, byte[]>} cache
 * (a get deserializes into a new array, OHC's only copy-out path) and the hash-table presizing that
 * keeps OHC from rehashing while it is loaded.
 */
public final class OhcCodecs {

    /** 8-byte {@code long} keys. */
    public static final CacheSerializer<Long> LONGS = new CacheSerializer<>() {
        @Override
        public void serialize(Long k, ByteBuffer buf) {
            buf.putLong(k);
        }

        @Override
        public Long deserialize(ByteBuffer buf) {
            return buf.getLong();
        }

        @Override
        public int serializedSize(Long k) {
            return Long.BYTES;
        }
    };

    /** Values as arrays, copied in and out. */
    public static final CacheSerializer<byte[]> BYTES = new CacheSerializer<>() {
        @Override
        public void serialize(byte[] v, ByteBuffer buf) {
            buf.put(v);
        }

        @Override
        public byte[] deserialize(ByteBuffer buf) {
            byte[] v = new byte[buf.remaining()];
            buf.get(v);
            return v;
        }

        @Override
        public int serializedSize(byte[] v) {
            return v.length;
        }
    };

    private OhcCodecs() {
    }

    /** A builder with these serializers and capacity {@code capacity} bytes. */
    public static OHCacheBuilder<Long, byte[]> builder(long capacity) {
        return OHCacheBuilder.<Long, byte[]>newBuilder().keySerializer(LONGS).valueSerializer(BYTES).capacity(capacity);
    }

    /** Sets {@code b}'s per-segment hash table to hold {@code entries} at its load factor (a power of two, at least 8192). */
    public static OHCacheBuilder<Long, byte[]> presized(OHCacheBuilder<Long, byte[]> b, long entries) {
        int perSegment = (int) Math.min(1 << 30, (long) (entries / b.getSegmentCount() / b.getLoadFactor()) + 1);
        return b.hashTableSize(Math.max(8192, Integer.highestOneBit(perSegment - 1) << 1));
    }
}
