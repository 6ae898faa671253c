package io.slabkv.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeySizeMapTest {

    @Test
    void distinctKeysMaxSizesAndMarks() {
        KeySizeMap m = new KeySizeMap();
        int n = 100_000;
        for (long k = 0; k < n; k++) {
            assertTrue(m.putMax(k * 7919, 10));
        }
        assertTrue(m.putMax(Long.MIN_VALUE, 5));
        assertFalse(m.putMax(Long.MIN_VALUE, 9));
        assertFalse(m.putMax(7919, 30));
        assertFalse(m.putMax(7919, 20));
        assertEquals(n + 1, m.size());
        long[] sum = {0};
        m.forEachSize(s -> sum[0] += s);
        assertEquals(10L * n + 20 + 9, sum[0]);
        assertFalse(m.mark(7919));
        assertTrue(m.mark(7919));
        assertFalse(m.mark(Long.MIN_VALUE));
        assertTrue(m.mark(Long.MIN_VALUE));
        assertFalse(m.mark(0));
    }
}
