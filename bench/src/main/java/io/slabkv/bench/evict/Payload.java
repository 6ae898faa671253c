package io.slabkv.bench.evict;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The value every store holds for a key: {@value #VALUE_SIZE} bytes, the key itself (little-endian)
 * in the first 8, then a fixed pattern. "Loading" a key's value is writing those 8 bytes into a
 * buffer that already holds the pattern: one store, no allocation, and a check can tell one key's
 * value from another's.
 */
final class Payload {

    static final int KEY_SIZE = Long.BYTES;
    static final int VALUE_SIZE = 100;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong SEGMENT_LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final byte[] PATTERN = pattern();

    private Payload() {
    }

    private static byte[] pattern() {
        byte[] v = new byte[VALUE_SIZE];
        long x = 42;
        for (int i = KEY_SIZE; i < VALUE_SIZE; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            v[i] = (byte) (x >>> 56);
        }
        return v;
    }

    /** A fresh buffer holding the pattern, for a client to stamp keys into. */
    static byte[] newBuffer() {
        return PATTERN.clone();
    }

    static void stamp(byte[] value, long key) {
        LONG_LE.set(value, 0, key);
    }

    static void stamp(MemorySegment value, long key) {
        value.set(SEGMENT_LONG_LE, 0, key);
    }

    /** The key stamped in {@code value} (checks only). */
    static long stampOf(byte[] value) {
        return (long) LONG_LE.get(value, 0);
    }

    /** {@code key}'s value, as a new array (checks only). */
    static byte[] valueOf(long key) {
        byte[] v = newBuffer();
        stamp(v, key);
        return v;
    }

    /** Whether {@code value} is exactly {@code key}'s value. */
    static boolean isValueOf(byte[] value, long key) {
        return value != null && Arrays.equals(value, valueOf(key));
    }
}
