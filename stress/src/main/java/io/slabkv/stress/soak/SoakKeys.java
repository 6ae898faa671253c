package io.slabkv.stress.soak;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The soak's keys: ids {@code 0..n-1}. Every fifth id is spelled as a segment key of 9 to 40 bytes
 * (a length byte, the id's 8 bytes, then filler), the rest as {@code long} keys; so both lookup
 * paths run, and no segment key is ever the same entry as a {@code long} key (those are 8 bytes).
 */
final class SoakKeys {

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment[] segments;

    SoakKeys(int n) {
        segments = new MemorySegment[n];
        for (int id = 0; id < n; id++) {
            if (id % 5 == 0) {
                byte[] b = new byte[9 + Math.floorMod(id * 7, 32)];
                b[0] = (byte) b.length;
                MemorySegment s = MemorySegment.ofArray(b);
                s.set(LONG, 1, id);
                for (int i = 9; i < b.length; i++) {
                    b[i] = (byte) (id + i);
                }
                segments[id] = s;
            }
        }
    }

    int count() {
        return segments.length;
    }

    /** The segment spelling of {@code id}, or null when it is a {@code long} key. */
    MemorySegment segment(int id) {
        return segments[id];
    }

    /** The id of a key as {@code forEach} hands it back; -1 if it is none of ours. */
    long idOf(MemorySegment key) {
        long n = key.byteSize();
        if (n == Long.BYTES) {
            long id = key.get(LONG, 0);
            return id >= 0 && id < segments.length && segments[(int) id] == null ? id : -1;
        }
        if (n < 9) {
            return -1;
        }
        long id = key.get(LONG, 1);
        if (id < 0 || id >= segments.length || segments[(int) id] == null) {
            return -1;
        }
        return MemorySegment.mismatch(key, 0, n, segments[(int) id], 0, segments[(int) id].byteSize()) < 0 ? id : -1;
    }
}
