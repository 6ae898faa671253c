package io.slabkv.engine.entry;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The layout of one entry: one chunk holding a header, the key bytes and the value bytes.
 *
 * <pre>
 *  byte 0                       4              6                8                     8 or 16
 *  +-+--------------------------+--------------+----------------+---------------------+-----+-------+
 *  |T| value length (31 bits)   | key length   | access hint    | expiry (i64), only  | key | value |
 *  | |                          | (u16)        | freq:4 W:1     | if T (HAS_TTL) set  |     |       |
 *  | |                          |              | tick:11        |                     |     |       |
 *  +-+--------------------------+--------------+----------------+---------------------+-----+-------+
 *   bit 31 of the first int: T = the entry has a TTL
 * </pre>
 *
 * <ul>
 *   <li>An entry is written completely before the slot CAS that publishes it, and never changed
 *       afterwards except for the access hint, which gets write racily (a lost update only costs
 *       eviction precision). A new value is a new entry. So a reader inside an epoch critical
 *       section copies from memory nobody writes: no torn value is possible, and no version word
 *       is needed.</li>
 *   <li>The access hint: {@code freq} is a 4-bit logarithmic access counter, {@code W} marks an
 *       entry still in the admission window, {@code tick} is the low 11 bits of the store's
 *       eviction clock at the last access (see {@code AccessClock}).</li>
 *   <li>{@code expiry} is an absolute deadline on the store's {@code TimeSource}, in nanoseconds;
 *       entries without a TTL do not carry it, so their header is 8 bytes.</li>
 *   <li>All fields are little-endian; chunk offsets are 8-byte aligned.</li>
 * </ul>
 */
public final class EntryLayout {

    public static final long LENGTH_AND_FLAG = 0;
    public static final long KEY_LENGTH = 4;
    public static final long ACCESS = 6;
    public static final long EXPIRY = 8;

    public static final int BASE_HEADER = 8;
    public static final int TTL_HEADER = 16;
    public static final int MAX_KEY_LENGTH = 0xFFFF;
    private static final int TTL_FLAG = 1 << 31;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle LONG_UNALIGNED = ValueLayout.JAVA_LONG_UNALIGNED.varHandle();

    private EntryLayout() {
    }

    /** Bytes an entry of these lengths occupies (before rounding to a chunk). */
    public static long size(long keyLength, long valueLength, boolean ttl) {
        return (ttl ? TTL_HEADER : BASE_HEADER) + keyLength + valueLength;
    }

    public static int valueLength(MemorySegment page, long entry) {
        return (int) INT.get(page, entry + LENGTH_AND_FLAG) & ~TTL_FLAG;
    }

    public static int keyLength(MemorySegment page, long entry) {
        return Short.toUnsignedInt((short) SHORT.get(page, entry + KEY_LENGTH));
    }

    public static boolean hasTtl(MemorySegment page, long entry) {
        return (int) INT.get(page, entry + LENGTH_AND_FLAG) < 0;
    }

    public static long expiry(MemorySegment page, long entry) {
        return (long) LONG.get(page, entry + EXPIRY);
    }

    /** The access hint: {@code freq << 12 | W << 11 | tick}. */
    public static int access(MemorySegment page, long entry) {
        return Short.toUnsignedInt((short) SHORT.get(page, entry + ACCESS));
    }

    /** Plain store of the access hint: racy on purpose, see the class comment. */
    public static void access(MemorySegment page, long entry, int hint) {
        SHORT.set(page, entry + ACCESS, (short) hint);
    }

    /** Offset of the key bytes from the entry start. */
    public static long keyOffset(MemorySegment page, long entry) {
        return entry + (hasTtl(page, entry) ? TTL_HEADER : BASE_HEADER);
    }

    /** The 8-byte key of an entry whose key length is 8 (a {@code long} key). */
    public static long longKey(MemorySegment page, long keyOffset) {
        return (long) LONG_UNALIGNED.get(page, keyOffset);
    }

    /**
     * Writes a header. {@code expiry} is ignored when {@code ttl} is false.
     *
     * @return the offset of the key bytes
     */
    public static long writeHeader(MemorySegment page, long entry, int keyLength, int valueLength,
                                   boolean ttl, long expiry, int accessHint) {
        INT.set(page, entry + LENGTH_AND_FLAG, ttl ? valueLength | TTL_FLAG : valueLength);
        SHORT.set(page, entry + KEY_LENGTH, (short) keyLength);
        SHORT.set(page, entry + ACCESS, (short) accessHint);
        if (ttl) {
            LONG.set(page, entry + EXPIRY, expiry);
            return entry + TTL_HEADER;
        }
        return entry + BASE_HEADER;
    }

    public static void writeLongKey(MemorySegment page, long keyOffset, long key) {
        LONG_UNALIGNED.set(page, keyOffset, key);
    }
}
