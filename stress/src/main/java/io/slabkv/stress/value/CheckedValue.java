package io.slabkv.stress.value;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The layout of a self-checking value: every value the linearizability runs and the soak write
 * says whose it is and proves it is whole.
 *
 * <pre>
 *  byte 0         8        12       16             24             32            length-8   length
 *  +--------------+--------+--------+--------------+--------------+-------------+----------+
 *  | key id (i64) | writer | length | sequence     | deadline     | filler      | checksum |
 *  |              | (i32)  | (i32)  | (i64)        | (i64, 0=none)| (derived)   | (i64)    |
 *  +--------------+--------+--------+--------------+--------------+-------------+----------+
 * </pre>
 *
 * <ul>
 *   <li>{@code key id}: the key the value was written under. A value read under another key is a
 *       <em>foreign</em> value: the reader copied another entry's bytes.</li>
 *   <li>{@code writer}, {@code sequence}: who wrote it and its how-manieth write; together unique
 *       over a run, so a read names exactly one write.</li>
 *   <li>{@code length}: the value's whole length, which the get must also return.</li>
 *   <li>{@code deadline}: for a value written with a TTL, {@code System.nanoTime()} taken just before
 *       the put plus the TTL (the store's own deadline is a little later); else 0.</li>
 *   <li>{@code filler}: bytes derived from (key, writer, sequence), so two versions of one key
 *       differ all along; {@code checksum}: a 64-bit hash of everything before it. Half of one
 *       version and half of another (a <em>torn</em> value) fails it.</li>
 * </ul>
 * All fields little-endian, unaligned.
 */
public final class CheckedValue {

    public static final long KEY = 0;
    public static final long WRITER = 8;
    public static final long LENGTH = 12;
    public static final long SEQUENCE = 16;
    public static final long DEADLINE = 24;
    public static final long FILLER = 32;
    /** The shortest value: the fields and the checksum, no filler. */
    public static final int MIN_LENGTH = 40;

    private static final ValueLayout.OfLong LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long M1 = 0x9E3779B97F4A7C15L;
    private static final long M2 = 0xC2B2AE3D27D4EB4FL;

    private CheckedValue() {
    }

    /** Writes a value of {@code length} bytes (at least {@link #MIN_LENGTH}) at the start of {@code dst}. */
    public static void write(MemorySegment dst, long key, int writer, long sequence, long deadline, int length) {
        if (length < MIN_LENGTH || length > dst.byteSize()) {
            throw new IllegalArgumentException("value length " + length + " must be between " + MIN_LENGTH
                    + " and the buffer's " + dst.byteSize() + " bytes");
        }
        dst.set(LONG, KEY, key);
        dst.set(INT, WRITER, writer);
        dst.set(INT, LENGTH, length);
        dst.set(LONG, SEQUENCE, sequence);
        dst.set(LONG, DEADLINE, deadline);
        long x = mix(key * M1 + writer * M2 + sequence) | 1;
        long end = length - 8;
        long i = FILLER;
        for (; i + 8 <= end; i += 8) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            dst.set(LONG, i, x);
        }
        for (; i < end; i++) {
            dst.set(ValueLayout.JAVA_BYTE, i, (byte) (x >>> (8 * (i & 7))));
        }
        dst.set(LONG, end, checksum(dst, end));
    }

    /**
     * Checks a value a get returned.
     *
     * @param src         where the get copied the value, from offset 0
     * @param length      the length the get returned
     * @param expectedKey the key id the get asked for
     * @return null when the value is whole and belongs to {@code expectedKey}; else what is wrong
     */
    public static String verify(MemorySegment src, int length, long expectedKey) {
        if (length < MIN_LENGTH || length > src.byteSize()) {
            return "length " + length + " is impossible (values are " + MIN_LENGTH + " to " + src.byteSize()
                    + " bytes)";
        }
        long stored = src.get(LONG, length - 8L);
        long actual = checksum(src, length - 8L);
        if (stored != actual) {
            return "TORN value: checksum " + Long.toHexString(stored) + " stored, " + Long.toHexString(actual)
                    + " computed over " + length + " bytes (header says key " + key(src) + ", writer "
                    + writer(src) + ", seq " + sequence(src) + ", length " + src.get(INT, LENGTH) + ")";
        }
        if (src.get(INT, LENGTH) != length) {
            return "TORN value: header length " + src.get(INT, LENGTH) + " but the get returned " + length;
        }
        if (key(src) != expectedKey) {
            return "FOREIGN value: key " + key(src) + " (writer " + writer(src) + ", seq " + sequence(src)
                    + ") read under key " + expectedKey;
        }
        return null;
    }

    public static long key(MemorySegment src) {
        return src.get(LONG, KEY);
    }

    public static int writer(MemorySegment src) {
        return src.get(INT, WRITER);
    }

    public static long sequence(MemorySegment src) {
        return src.get(LONG, SEQUENCE);
    }

    public static long deadline(MemorySegment src) {
        return src.get(LONG, DEADLINE);
    }

    /** A hex dump of the first bytes of a value, for failure reports. */
    public static String dump(MemorySegment src, int length) {
        StringBuilder sb = new StringBuilder();
        int n = (int) Math.min(Math.min(length, src.byteSize()), 48);
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%02x", src.get(ValueLayout.JAVA_BYTE, i)));
            if ((i & 7) == 7) {
                sb.append(' ');
            }
        }
        return sb.append(n < length ? "..." : "").toString();
    }

    static long checksum(MemorySegment src, long end) {
        long h = M2;
        long i = 0;
        for (; i + 8 <= end; i += 8) {
            h = Long.rotateLeft(h ^ (src.get(LONG, i) * M1), 31) * M2;
        }
        for (; i < end; i++) {
            h = Long.rotateLeft(h ^ ((src.get(ValueLayout.JAVA_BYTE, i) & 0xFFL) * M1), 31) * M2;
        }
        return mix(h ^ end);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
