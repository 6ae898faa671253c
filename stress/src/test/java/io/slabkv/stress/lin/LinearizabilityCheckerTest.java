package io.slabkv.stress.lin;

import static io.slabkv.stress.lin.OpKind.ABSENT;
import static io.slabkv.stress.lin.OpKind.CORRUPT;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The checker on hand-built histories: it must reject every history no sequential order explains,
 * and accept the ones some order does, however the calls overlap. Times are tickets: {@code [2, 5]}
 * is a call invoked at 2 that returned at 5.
 */
class LinearizabilityCheckerTest {

    private static final long K = 7;
    private static final long V1 = Call.valueId(1, 1);
    private static final long V2 = Call.valueId(2, 1);
    private static final long V3 = Call.valueId(1, 2);

    private static Call put(int t, long v, long inv, long ret) {
        return new Call(t, K, OpKind.PUT, v, 0, inv, ret);
    }

    private static Call get(int t, long result, long inv, long ret) {
        return new Call(t, K, OpKind.GET, 0, result, inv, ret);
    }

    private static Call remove(int t, boolean removed, long inv, long ret) {
        return new Call(t, K, OpKind.REMOVE, 0, removed ? 1 : 0, inv, ret);
    }

    private static Call putIfAbsent(int t, long v, boolean stored, long inv, long ret) {
        return new Call(t, K, OpKind.PUT_IF_ABSENT, v, stored ? 1 : 0, inv, ret);
    }

    private static Call replace(int t, long v, boolean stored, long inv, long ret) {
        return new Call(t, K, OpKind.REPLACE, v, stored ? 1 : 0, inv, ret);
    }

    private static Call contains(int t, boolean present, long inv, long ret) {
        return new Call(t, K, OpKind.CONTAINS, 0, present ? 1 : 0, inv, ret);
    }

    private static boolean linearizable(long initial, Call... calls) {
        LinearizabilityChecker.Verdict v = LinearizabilityChecker.check(List.of(calls), Map.of(K, initial));
        if (!v.linearizable()) {
            System.out.println(v.explanation());
        }
        return v.linearizable();
    }

    // ------------------------------------------------------------------ rejected

    @Test
    void getAfterACompletedRemoveMustMiss() {
        // The remove finished (ticket 2) before the get started (3): the get cannot see v1.
        assertFalse(linearizable(V1, remove(1, true, 1, 2), get(2, V1, 3, 4)));
    }

    @Test
    void getMustNotReturnAValueOverwrittenBeforeItStarted() {
        // A stale read: put(v2) completed before the get began.
        assertFalse(linearizable(ABSENT, put(1, V1, 1, 2), put(1, V2, 3, 4), get(2, V1, 5, 6)));
    }

    @Test
    void twoRemovesOfOneEntryCannotBothSucceed() {
        // Overlapping, but only one entry was there to remove: the lost-CAS bug.
        assertFalse(linearizable(V1, remove(1, true, 1, 4), remove(2, true, 2, 3)));
    }

    @Test
    void twoPutIfAbsentCannotBothStore() {
        assertFalse(linearizable(ABSENT, putIfAbsent(1, V1, true, 1, 4), putIfAbsent(2, V2, true, 2, 3)));
    }

    @Test
    void aLostUpdateIsCaught() {
        // Both puts completed, the later one strictly after the earlier; a get after both sees the first.
        assertFalse(linearizable(ABSENT, put(1, V1, 1, 2), put(2, V2, 3, 4), get(1, V1, 5, 6)));
    }

    @Test
    void getCannotSeeAValueNeverWritten() {
        assertFalse(linearizable(ABSENT, put(1, V1, 1, 4), get(2, V2, 2, 3)));
    }

    @Test
    void aCorruptReadIsNeverLinearizable() {
        assertFalse(linearizable(V1, get(1, CORRUPT, 1, 2)));
        assertFalse(linearizable(V1, put(2, V2, 1, 4), get(1, CORRUPT, 2, 3)));
    }

    @Test
    void replaceOfAnAbsentKeyCannotStore() {
        assertFalse(linearizable(ABSENT, replace(1, V1, true, 1, 2)));
        // Nor after a remove that completed first.
        assertFalse(linearizable(V1, remove(2, true, 1, 2), replace(1, V2, true, 3, 4)));
    }

    @Test
    void putIfAbsentOnAPresentKeyCannotStore() {
        assertFalse(linearizable(V1, putIfAbsent(1, V2, true, 1, 2)));
    }

    @Test
    void readsMustAgreeOnOneOrder() {
        // Two readers see the two overlapping puts in opposite orders, each reader reading twice in
        // sequence: T3 sees v1 then v2, T4 sees v2 then v1. No single order of the puts explains both.
        assertFalse(linearizable(ABSENT,
                put(1, V1, 1, 20), put(2, V2, 2, 21),
                get(3, V1, 3, 4), get(3, V2, 5, 6),
                get(4, V2, 7, 8), get(4, V1, 9, 10)));
    }

    @Test
    void aValueCannotComeBackAfterItWasReplaced() {
        // put v1, then (overlapping each other) replace -> v2 and get; then a later get sees v1 again.
        assertFalse(linearizable(ABSENT, put(1, V1, 1, 2), replace(1, V2, true, 3, 6), get(2, V2, 4, 5),
                get(2, V1, 7, 8)));
    }

    @Test
    void containsMustAgreeWithGets() {
        assertFalse(linearizable(ABSENT, put(1, V1, 1, 2), contains(2, false, 3, 4)));
    }

    @Test
    void theFailureNamesTheCallsAndTheKey() {
        LinearizabilityChecker.Verdict v = LinearizabilityChecker.check(
                List.of(remove(1, true, 1, 2), get(2, V1, 3, 4)), Map.of(K, V1));
        assertFalse(v.linearizable());
        assertTrue(v.explanation().contains("NOT LINEARIZABLE: key " + K), v.explanation());
        assertTrue(v.explanation().contains("get -> w1#1   <<<"), v.explanation());
    }

    // ------------------------------------------------------------------ accepted

    @Test
    void aGetOverlappingARemoveMaySeeEitherState() {
        assertTrue(linearizable(V1, remove(1, true, 1, 4), get(2, V1, 2, 3)));
        assertTrue(linearizable(V1, remove(1, true, 1, 4), get(2, ABSENT, 2, 3)));
    }

    @Test
    void overlappingCallsMayTakeEffectInTheOrderTheResultsNeed() {
        // The get was invoked first and returned last, yet saw the put's value: the put took effect
        // inside the get's interval.
        assertTrue(linearizable(ABSENT, get(1, V1, 1, 10), put(2, V1, 2, 3)));
        // The remove that returned false took effect before the put that overlaps it.
        assertTrue(linearizable(ABSENT, put(1, V1, 1, 4), remove(2, false, 2, 5), get(1, V1, 6, 7)));
    }

    @Test
    void overlappingPutIfAbsentOneWins() {
        assertTrue(linearizable(ABSENT, putIfAbsent(1, V1, true, 1, 4), putIfAbsent(2, V2, false, 2, 3),
                get(1, V1, 5, 6)));
        // The one that returned first may still be the loser.
        assertTrue(linearizable(ABSENT, putIfAbsent(1, V1, false, 1, 3), putIfAbsent(2, V2, true, 2, 4),
                get(1, V2, 5, 6)));
    }

    @Test
    void sequentialHistoriesFollowTheMap() {
        assertTrue(linearizable(ABSENT,
                putIfAbsent(1, V1, true, 1, 2), putIfAbsent(1, V2, false, 3, 4), get(1, V1, 5, 6),
                replace(1, V2, true, 7, 8), contains(1, true, 9, 10), remove(1, true, 11, 12),
                remove(1, false, 13, 14), replace(1, V3, false, 15, 16), get(1, ABSENT, 17, 18),
                put(1, V3, 19, 20), get(1, V3, 21, 22)));
    }

    @Test
    void keysAreCheckedIndependently() {
        // On key 8 the get sees v2 while, on key 7, the put of v1 has completed: fine, two objects.
        List<Call> calls = new ArrayList<>();
        calls.add(put(1, V1, 1, 2));
        calls.add(new Call(2, 8, OpKind.PUT, V2, 0, 3, 4));
        calls.add(new Call(1, 8, OpKind.GET, 0, V2, 5, 6));
        calls.add(get(2, V1, 7, 8));
        assertTrue(LinearizabilityChecker.check(calls, Map.of()).linearizable());
        // The same get on key 8 seeing v1 (written to key 7) is rejected.
        calls.set(2, new Call(1, 8, OpKind.GET, 0, V1, 5, 6));
        assertFalse(LinearizabilityChecker.check(calls, Map.of()).linearizable());
    }

    /**
     * Histories made by running a real sequential map and then stretching each call's interval at
     * random are linearizable by construction (the original order is a witness); the checker must
     * accept every one, however much the calls overlap.
     */
    @Test
    void stretchedSequentialHistoriesAreAccepted() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int round = 0; round < 2_000; round++) {
            int threads = 2 + rnd.nextInt(3);
            int n = 1 + rnd.nextInt(60);
            long[] lastReturn = new long[threads + 1];
            List<Call> calls = new ArrayList<>();
            long seq = 0;
            for (int i = 0; i < n; i++) {
                // Call i takes effect at time 100 * i; its interval is stretched around that point,
                // up to one and a half calls either side. Tickets: time * 1024 + a unique low part.
                long effect = 100L * i + 50;
                long inv = (effect - 1 - rnd.nextInt(150)) * 1024 + 2L * i;
                long ret = (effect + 1 + rnd.nextInt(150)) * 1024 + 2L * i + 1;
                int t = 1 + rnd.nextInt(threads);
                if (lastReturn[t] >= inv) {
                    continue; // the thread is still in its previous call: leave this one out
                }
                lastReturn[t] = ret;
                OpKind kind = OpKind.values()[rnd.nextInt(OpKind.values().length)];
                long arg = kind.writes() ? Call.valueId(t, ++seq) : 0;
                calls.add(new Call(t, K, kind, arg, 0, inv, ret));
            }
            List<Call> history = replay(calls); // results as the map gives them in effect order
            LinearizabilityChecker.Verdict v = LinearizabilityChecker.check(history, Map.of(K, ABSENT));
            assertTrue(v.linearizable(), v::explanation);
        }
    }

    /** The calls with the results a sequential map gives them in list order (intervals unchanged). */
    private static List<Call> replay(List<Call> calls) {
        long state = ABSENT;
        List<Call> out = new ArrayList<>();
        for (Call c : calls) {
            long result = switch (c.kind()) {
                case GET -> state;
                case CONTAINS, REMOVE, REPLACE -> state != ABSENT ? 1 : 0;
                case PUT_IF_ABSENT -> state == ABSENT ? 1 : 0;
                default -> 0;
            };
            state = c.kind().step(state, c.arg(), result);
            out.add(new Call(c.thread(), c.key(), c.kind(), c.arg(), result, c.invoked(), c.returned()));
        }
        return out;
    }

    /** The same stretched histories with one read result changed to a value nobody wrote: rejected. */
    @Test
    void aForgedReadInAStretchedHistoryIsRejected() {
        SplittableRandom rnd = new SplittableRandom(7);
        int rejected = 0;
        for (int round = 0; round < 500; round++) {
            List<Call> calls = new ArrayList<>();
            long state = ABSENT;
            long seq = 0;
            for (int i = 0; i < 20; i++) {
                int t = 1 + (i % 3);
                OpKind kind = i == 10 ? OpKind.GET : OpKind.values()[rnd.nextInt(OpKind.values().length)];
                long arg = kind.writes() ? Call.valueId(t, ++seq) : 0;
                // Calls i and i+1 overlap; each effect at 10 * i.
                long inv = 10L * i - 6;
                long ret = 10L * i + 6;
                calls.add(new Call(t, K, kind, arg, 0, 2 * inv + 1000, 2 * ret + 1001));
            }
            List<Call> real = replay(calls);
            assertTrue(LinearizabilityChecker.check(real, Map.of(K, ABSENT)).linearizable());
            Call g = real.get(10);
            real.set(10, new Call(g.thread(), K, OpKind.GET, 0, Call.valueId(9, 999), g.invoked(), g.returned()));
            if (!LinearizabilityChecker.check(real, Map.of(K, ABSENT)).linearizable()) {
                rejected++;
            }
        }
        assertTrue(rejected == 500, rejected + " of 500 forged histories rejected");
    }
}
