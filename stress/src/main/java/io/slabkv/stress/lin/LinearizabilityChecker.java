package io.slabkv.stress.lin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a recorded concurrent history of map operations is linearizable: whether some
 * sequential order of its calls respects their real-time order (a call that returned before another
 * was invoked comes first) and the sequential specification ({@link OpKind#step}).
 *
 * <h2>Per key</h2>
 * Linearizability is compositional (Herlihy and Wing's locality; P-compositionality in Horn and
 * Kroening's terms): a map history is linearizable iff the sub-history of every key is, because the
 * keys of a map are independent objects. So the history is split by key and each part is searched
 * on its own, with the key's state a single {@code long}.
 *
 * <h2>The search</h2>
 * The Wing and Gong algorithm with Lowe's memoization (WGL, "Testing for linearizability", 2017):
 * invocation and response events in a list ordered by ticket. Walking the list, a call whose
 * invocation is reached may be linearized now if the model accepts its result; it is then lifted out
 * of the list (invocation and response) and the walk restarts from the front. Reaching a response
 * means the call it belongs to should already have been linearized: undo the last choice and try the
 * next call. Every configuration (set of linearized calls, model state) is tried once; a second
 * arrival at one is cut off, which keeps the search linear-ish when few calls overlap, as here (at
 * most one pending call per thread).
 */
public final class LinearizabilityChecker {

    /** Configurations a single key may explore before the check gives up as inconclusive. */
    public static final long DEFAULT_BUDGET = 20_000_000L;

    /**
     * The outcome for one key (or, from {@link #check}, the first key that failed, or a summary).
     *
     * @param linearizable   whether an order exists
     * @param inconclusive   true when the search ran out of budget (then {@code linearizable} is false)
     * @param key            the key id
     * @param calls          calls of the key's sub-history
     * @param configurations configurations explored
     * @param explanation    for a failure: the calls around the point no order got past; else empty
     */
    public record Verdict(boolean linearizable, boolean inconclusive, long key, int calls, long configurations,
                          String explanation) {
    }

    private LinearizabilityChecker() {
    }

    /**
     * Checks a whole map history key by key.
     *
     * @param calls   every completed call
     * @param initial each key's state before the history; keys not in it start {@link OpKind#ABSENT}
     * @return the verdict of the first key that is not linearizable, or one summing all keys
     */
    public static Verdict check(List<Call> calls, Map<Long, Long> initial) {
        Map<Long, List<Call>> byKey = new LinkedHashMap<>();
        for (Call c : calls) {
            byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
        }
        long configurations = 0;
        for (Map.Entry<Long, List<Call>> e : byKey.entrySet()) {
            Verdict v = checkKey(e.getKey(), e.getValue(), initial.getOrDefault(e.getKey(), OpKind.ABSENT),
                    DEFAULT_BUDGET);
            if (!v.linearizable()) {
                return v;
            }
            configurations += v.configurations();
        }
        return new Verdict(true, false, -1, calls.size(), configurations, "");
    }

    /** The linearization search over one key's calls, from state {@code initial}. */
    public static Verdict checkKey(long key, List<Call> calls, long initial, long budget) {
        int n = calls.size();
        Node head = new Node(null, -1, false, Long.MIN_VALUE);
        Node[] events = new Node[2 * n];
        for (int i = 0; i < n; i++) {
            Call c = calls.get(i);
            if (c.key() != key) {
                throw new IllegalArgumentException("call " + c + " is not on key " + key);
            }
            Node inv = new Node(c, i, true, c.invoked());
            Node ret = new Node(c, i, false, c.returned());
            inv.match = ret;
            events[2 * i] = inv;
            events[2 * i + 1] = ret;
        }
        Arrays.sort(events, Comparator.comparingLong(e -> e.time));
        Node prev = head;
        for (Node e : events) {
            if (e.time == prev.time) {
                throw new IllegalArgumentException("two events share ticket " + e.time);
            }
            prev.next = e;
            e.prev = prev;
            prev = e;
        }

        long[] bits = new long[(n + 63) >>> 6];
        Set<Configuration> seen = new HashSet<>();
        Node[] stackNode = new Node[n];
        long[] stackState = new long[n];
        int depth = 0;
        int deepest = 0;
        Call stuck = null;
        long stuckState = initial;
        long state = initial;
        long explored = 0;
        Node e = head.next;
        while (head.next != null) {
            if (e.isCall) {
                long next = e.call.kind().step(state, e.call.arg(), e.call.result());
                if (next != OpKind.REJECT) {
                    bits[e.id >>> 6] |= 1L << e.id;
                    if (seen.add(new Configuration(bits.clone(), next))) {
                        if (++explored > budget) {
                            return new Verdict(false, true, key, n, explored, "search budget of " + budget
                                    + " configurations exhausted at depth " + depth + " of " + n);
                        }
                        stackNode[depth] = e;
                        stackState[depth++] = state;
                        state = next;
                        e.lift();
                        e = head.next;
                        continue;
                    }
                    bits[e.id >>> 6] &= ~(1L << e.id);
                }
                e = e.next;
            } else {
                // A response: its call must have been linearized already, and it was not.
                if (depth >= deepest && (stuck == null || depth > deepest)) {
                    deepest = depth;
                    stuck = e.call;
                    stuckState = state;
                }
                if (depth == 0) {
                    return new Verdict(false, false, key, n, explored,
                            explain(key, calls, initial, deepest, stuck, stuckState));
                }
                Node undo = stackNode[--depth];
                state = stackState[depth];
                bits[undo.id >>> 6] &= ~(1L << undo.id);
                undo.unlift();
                e = undo.next;
            }
        }
        return new Verdict(true, false, key, n, explored, "");
    }

    private static String explain(long key, List<Call> calls, long initial, int deepest, Call stuck,
                                  long stuckState) {
        List<Call> sorted = new ArrayList<>(calls);
        sorted.sort(Comparator.comparingLong(Call::invoked));
        int at = sorted.indexOf(stuck);
        int from = Math.max(0, at - 30);
        int to = Math.min(sorted.size(), at + 8);
        StringBuilder sb = new StringBuilder();
        sb.append("NOT LINEARIZABLE: key ").append(key).append(", ").append(calls.size())
                .append(" calls, initial state ").append(Call.valueName(initial)).append('\n');
        sb.append("  the deepest order linearizes ").append(deepest).append(" calls, leaving the key ")
                .append(Call.valueName(stuckState)).append(", and then no pending call can take effect before ")
                .append("the response of the call marked <<<\n");
        if (from > 0) {
            sb.append("  ... ").append(from).append(" earlier calls\n");
        }
        for (int i = from; i < to; i++) {
            Call c = sorted.get(i);
            sb.append("  ").append(c).append(c == stuck ? "   <<<" : "").append('\n');
        }
        if (to < sorted.size()) {
            sb.append("  ... ").append(sorted.size() - to).append(" later calls\n");
        }
        return sb.toString();
    }

    /** An invocation or response event in the search's doubly linked list. */
    private static final class Node {
        final Call call;
        final int id;
        final boolean isCall;
        final long time;
        Node match;
        Node prev;
        Node next;

        Node(Call call, int id, boolean isCall, long time) {
            this.call = call;
            this.id = id;
            this.isCall = isCall;
            this.time = time;
        }

        /** Takes this invocation and its response out of the list. */
        void lift() {
            prev.next = next;
            if (next != null) {
                next.prev = prev;
            }
            match.prev.next = match.next;
            if (match.next != null) {
                match.next.prev = match.prev;
            }
        }

        /** Puts them back, in the reverse order of {@link #lift()}. */
        void unlift() {
            match.prev.next = match;
            if (match.next != null) {
                match.next.prev = match;
            }
            prev.next = this;
            if (next != null) {
                next.prev = this;
            }
        }
    }

    /** A point of the search: which calls are linearized, and the key's state after them. */
    private record Configuration(long[] linearized, long state) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Configuration c && c.state == state && Arrays.equals(c.linearized, linearized);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(linearized) * 31 + Long.hashCode(state);
        }
    }
}
