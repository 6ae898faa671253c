package io.slabkv.stress.lin;

import java.lang.foreign.MemorySegment;

/**
 * How a key id is spelled to the store: as a {@code long} key, or as a segment of 2 to 25 bytes
 * (never 8, so no segment key is ever the same entry as a {@code long} key). The two paths compare
 * keys differently in the index, and both must behave as one map.
 */
final class TestKeys {

    enum Mode { LONG, SEGMENT, MIXED }

    private TestKeys() {
    }

    /** Whether key {@code id} is spelled as a segment under {@code mode}. */
    static boolean segment(Mode mode, long id) {
        return switch (mode) {
            case LONG -> false;
            case SEGMENT -> true;
            case MIXED -> (id & 1) == 0;
        };
    }

    /**
     * The bytes of key {@code id} as a segment key: a byte giving the id's length, the id's bytes,
     * then filler up to 2..25 bytes in all, never 8. Distinct per id (the prefix decodes to it).
     */
    static byte[] bytes(long id) {
        int n = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(id) + 7) / 8);
        int len = Math.max(n + 1, 2 + (int) Math.floorMod(id * 7, 24L));
        if (len == Long.BYTES) {
            len++;
        }
        byte[] b = new byte[len];
        b[0] = (byte) n;
        long x = id;
        for (int i = 1; i <= n; i++, x >>>= 8) {
            b[i] = (byte) x;
        }
        for (int i = n + 1; i < len; i++) {
            b[i] = (byte) ('a' + i);
        }
        return b;
    }

    static MemorySegment segmentOf(byte[] key) {
        return MemorySegment.ofArray(key);
    }
}
