package io.slabkv.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ZipfTest {

    @Test
    void ranksFollowTheDistribution() {
        long n = 1000;
        double theta = 0.99;
        Zipf z = new Zipf(n, theta);
        SplitMix rnd = new SplitMix(1);
        int draws = 1_000_000;
        long[] counts = new long[(int) n];
        for (int i = 0; i < draws; i++) {
            long r = z.rank(rnd.nextDouble());
            assertTrue(r >= 0 && r < n, "rank " + r);
            counts[(int) r]++;
        }
        double zeta = Zipf.zeta(n, theta);
        // Ranks 0 and 1 are exact in Gray's method; later ranks are close.
        assertEquals(1 / zeta, counts[0] / (double) draws, 0.005);
        assertEquals(Math.pow(2, -theta) / zeta, counts[1] / (double) draws, 0.005);
        long top10 = 0;
        for (int i = 0; i < 10; i++) {
            top10 += counts[i];
        }
        double expected = 0;
        for (int i = 1; i <= 10; i++) {
            expected += Math.pow(i, -theta) / zeta;
        }
        assertEquals(expected, top10 / (double) draws, 0.03);
        assertTrue(counts[0] > counts[10] && counts[10] > counts[500], "falls with rank");
    }

    @Test
    void edgeCounts() {
        Zipf one = new Zipf(1, 0.99);
        assertEquals(0, one.rank(0.999999));
        Zipf two = new Zipf(2, 0.5);
        for (double u = 0; u < 1; u += 0.01) {
            long r = two.rank(u);
            assertTrue(r == 0 || r == 1);
        }
        assertThrows(IllegalArgumentException.class, () -> new Zipf(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Zipf(10, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new Zipf(10, 0));
    }

    @Test
    void zetaTailApproximation() {
        for (double theta : new double[] {0.2, 0.5, 0.99}) {
            double exact = Zipf.zeta(3_000_000, theta, Long.MAX_VALUE);
            double approx = Zipf.zeta(3_000_000, theta, 1000);
            assertEquals(exact, approx, exact * 1e-9, "theta " + theta);
        }
    }

    @Test
    void scramblerIsABijection() {
        for (long n : new long[] {1, 2, 3, 7, 1000, 1024, 1025, 65_537}) {
            KeyScrambler s = new KeyScrambler(n, 42);
            boolean[] hit = new boolean[(int) n];
            for (long x = 0; x < n; x++) {
                long y = s.apply(x);
                assertTrue(y >= 0 && y < n, n + ": " + y);
                assertFalse(hit[(int) y], n + ": " + y + " twice");
                hit[(int) y] = true;
            }
        }
        KeyScrambler big = new KeyScrambler(1L << 40, 1);
        assertTrue(big.apply(0) != 0 || big.apply(1) != 1, "it scrambles");
    }
}
