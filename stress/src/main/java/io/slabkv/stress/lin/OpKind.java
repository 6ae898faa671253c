package io.slabkv.stress.lin;

/**
 * The store operations a history records, with their sequential meaning on one key of a map.
 *
 * <p>A key's state is {@link #ABSENT} or the id of the value it holds (ids are unique per write, see
 * {@link Call#valueId}). {@link #step} is the whole sequential specification: a {@code HashMap}
 * restricted to one key.
 */
public enum OpKind {
    /** {@code put(k, v)}; returns nothing. */
    PUT,
    /** {@code put(k, v, ttl, unit)} with a TTL far longer than the run: sequentially a put. */
    PUT_TTL,
    /** {@code get(k, dst)}; result: the value id read, {@link #ABSENT}, or {@link #CORRUPT}. */
    GET,
    /** {@code containsKey(k)}; result 1 or 0. */
    CONTAINS,
    /** {@code remove(k)}; result 1 if it removed a live entry, else 0. */
    REMOVE,
    /** {@code putIfAbsent(k, v)}; result 1 if it stored. */
    PUT_IF_ABSENT,
    /** {@code replace(k, v)}; result 1 if it stored. */
    REPLACE;

    /** The state of a key with no entry, and what a get that missed returns. */
    public static final long ABSENT = -1L;
    /** What a get returns when the bytes it copied were not a whole value of its key: never legal. */
    public static final long CORRUPT = -2L;
    /** What {@link #step} returns when the result is impossible in the state. */
    public static final long REJECT = Long.MIN_VALUE;

    /**
     * Applies an operation to a key's state.
     *
     * @param state  {@link #ABSENT} or a value id
     * @param arg    the value id the operation writes (ignored by reads and removes)
     * @param result what the operation returned
     * @return the state after it, or {@link #REJECT} if it could not have returned {@code result}
     */
    public long step(long state, long arg, long result) {
        boolean present = state != ABSENT;
        return switch (this) {
            case PUT, PUT_TTL -> arg;
            case GET -> result == state ? state : REJECT;
            case CONTAINS -> result == (present ? 1 : 0) ? state : REJECT;
            case REMOVE -> result == (present ? 1 : 0) ? ABSENT : REJECT;
            case PUT_IF_ABSENT -> result == (present ? 0 : 1) ? (present ? state : arg) : REJECT;
            case REPLACE -> result == (present ? 1 : 0) ? (present ? arg : state) : REJECT;
        };
    }

    /** Whether the operation carries a value to write. */
    public boolean writes() {
        return this == PUT || this == PUT_TTL || this == PUT_IF_ABSENT || this == REPLACE;
    }
}
