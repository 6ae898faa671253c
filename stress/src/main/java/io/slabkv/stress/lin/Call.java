package io.slabkv.stress.lin;

/**
 * One completed operation of a concurrent history.
 *
 * <p>{@code invoked} and {@code returned} are tickets of one global counter, taken right before the
 * call and right after it returned: if {@code a.returned < b.invoked}, {@code a} really finished
 * before {@code b} started, and every linearization must keep that order.
 *
 * @param thread   the thread that made the call (0: the driver, sequential before and after)
 * @param key      the key id
 * @param kind     the operation
 * @param arg      the value id written, or 0
 * @param result   what it returned (see {@link OpKind})
 * @param invoked  ticket taken before the call
 * @param returned ticket taken after it returned
 */
public record Call(int thread, long key, OpKind kind, long arg, long result, long invoked, long returned) {

    public Call {
        if (returned <= invoked) {
            throw new IllegalArgumentException("a call returns after it is invoked: " + invoked + ".." + returned);
        }
    }

    /** The id of a write: unique per (writer, sequence). */
    public static long valueId(int writer, long sequence) {
        return ((long) writer << 40) | sequence;
    }

    /** A value id as {@code w<writer>#<sequence>}. */
    public static String valueName(long id) {
        if (id == OpKind.ABSENT) {
            return "absent";
        }
        if (id == OpKind.CORRUPT) {
            return "CORRUPT";
        }
        return "w" + (id >>> 40) + "#" + (id & ((1L << 40) - 1));
    }

    @Override
    public String toString() {
        String op = switch (kind) {
            case PUT -> "put(" + valueName(arg) + ")";
            case PUT_TTL -> "put(" + valueName(arg) + ", ttl)";
            case GET -> "get -> " + valueName(result);
            case CONTAINS -> "containsKey -> " + (result == 1);
            case REMOVE -> "remove -> " + (result == 1);
            case PUT_IF_ABSENT -> "putIfAbsent(" + valueName(arg) + ") -> " + (result == 1);
            case REPLACE -> "replace(" + valueName(arg) + ") -> " + (result == 1);
        };
        return "T" + thread + " [" + invoked + ".." + returned + "] key " + key + ": " + op;
    }
}
