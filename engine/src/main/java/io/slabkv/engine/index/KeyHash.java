package io.slabkv.engine.index;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A 64-bit hash of key bytes: each 8-byte little-endian word is folded in with a multiply and a
 * rotate, the tail bytes as one short word, and the result finished with the MurmurHash3
 * {@code fmix64} avalanche. A {@code long} key hashes exactly as its 8 little-endian bytes, so the
 * {@code long} and byte overloads of the store name the same entry.
 */
public final class KeyHash {

    private static final long SEED = 0x9E37_79B9_7F4A_7C15L;
    private static final long M1 = 0xBF58_476D_1CE4_E5B9L;
    private static final long M2 = 0x94D0_49BB_1331_11EBL;
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;

    private KeyHash() {
    }

    public static long hash(MemorySegment key, long offset, long length) {
        long h = SEED ^ length;
        long i = 0;
        for (; i + 8 <= length; i += 8) {
            h = step(h, key.get(WORD, offset + i));
        }
        if (i < length) {
            long tail = 0;
            for (int s = 0; i < length; i++, s += 8) {
                tail |= (key.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFFL) << s;
            }
            h = step(h, tail);
        }
        return fmix(h);
    }

    public static long hash(long key) {
        return fmix(step(SEED ^ 8, key));
    }

    private static long step(long h, long word) {
        return Long.rotateLeft((h ^ word) * M1, 31) * M2;
    }

    private static long fmix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        h ^= h >>> 33;
        return h;
    }
}
