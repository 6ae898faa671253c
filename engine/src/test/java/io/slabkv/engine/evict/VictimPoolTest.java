package io.slabkv.engine.evict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The victim pool keeps the {@value VictimPool#SIZE} lowest scores offered (a slot offered again
 * takes its new score), whatever the order of offers and removals; and {@link ClassPools} keeps one
 * pool per size class.
 */
class VictimPoolTest {

    @Test
    void keepsTheLowestScoresWhateverTheOrder() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            VictimPool pool = new VictimPool();
            List<Double> offered = new ArrayList<>();
            int n = 1 + rnd.nextInt(100);
            for (int i = 0; i < n; i++) {
                double score = rnd.nextDouble();
                pool.offer(i, 1000 + i, score); // distinct slots
                offered.add(score);
            }
            offered.sort(null);
            int kept = Math.min(VictimPool.SIZE, n);
            assertEquals(kept, pool.size());
            // Removing the best repeatedly yields the lowest scores offered, in order.
            for (int i = 0; i < kept; i++) {
                int best = pool.best();
                assertEquals(offered.get(i), pool.score(best), 0.0);
                assertEquals(pool.slot(best) + 1000, pool.word(best));
                pool.remove(best);
            }
            assertTrue(pool.isEmpty());
            assertEquals(-1, pool.best());
        }
    }

    @Test
    void aFullPoolStillTakesBetterCandidatesAfterRemovalsAndRescoring() {
        VictimPool pool = new VictimPool();
        for (int i = 0; i < VictimPool.SIZE; i++) {
            pool.offer(i, i, 10 + i); // scores 10..25, worst 25 (slot 15)
        }
        pool.offer(100, 100, 30); // worse than every kept one: not kept
        assertEquals(VictimPool.SIZE, pool.size());
        pool.offer(3, 3, 40); // slot 3 re-scored: now the worst
        pool.offer(101, 101, 35); // beats slot 3's 40: replaces it
        pool.offer(102, 102, 36); // no better than the worst kept (35): not kept
        double max = 0;
        boolean has101 = false;
        for (int i = 0; i < pool.size(); i++) {
            max = Math.max(max, pool.score(i));
            has101 |= pool.slot(i) == 101;
            assertTrue(pool.slot(i) != 3 && pool.slot(i) != 102, "slot " + pool.slot(i) + " should be gone");
        }
        assertTrue(has101);
        assertEquals(35, max, 0.0);
        pool.remove(pool.best()); // room again: anything is kept
        pool.offer(103, 103, 99);
        assertEquals(VictimPool.SIZE, pool.size());
        pool.offer(104, 104, 50); // full again: 99 is the worst and goes
        for (int i = 0; i < pool.size(); i++) {
            assertTrue(pool.slot(i) != 103, "the worst (99) was replaced");
        }
    }

    @Test
    void classPoolsKeepOnePoolPerClass() {
        ClassPools pools = new ClassPools(4);
        assertSame(pools.of(2), pools.of(2));
        assertNotSame(pools.of(1), pools.of(2));
        pools.of(1).offer(7, 7, 1.0);
        assertEquals(1, pools.of(1).size());
        assertEquals(0, pools.of(2).size());
    }
}
