package io.slabkv.engine.index;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The slot tag must be independent of the home bucket: a probe settles a mismatch by the tag alone
 * only when the keys that share a bucket have different tags. Guards the regression where the tag
 * was the hash's top 16 bits, the same bits {@link OffHeapIndex#home} uses, so every key of a
 * bucket had the same tag and every lookup read every entry of its bucket.
 */
class SlotTagTest {

    @Test
    void keysOfOneBucketHaveDifferentTags() {
        long entries = 1_000_000;
        long buckets = OffHeapIndex.bucketsFor(entries);
        Map<Long, Set<Long>> tagsByHome = new HashMap<>();
        long shared = 0;
        for (long key = 0; key < entries; key++) {
            long hash = KeyHash.hash(key);
            long home = Math.unsignedMultiplyHigh(hash, buckets);
            if (!tagsByHome.computeIfAbsent(home, b -> new HashSet<>()).add(SlotWord.tag(hash))) {
                shared++;
            }
        }
        // About 5 keys per bucket and 65,535 tags: a key meets its own tag in its bucket about
        // 4 / 65,535 of the time, some 60 keys of a million. Top-bits tags made it every key but
        // the first of each bucket (about 810,000).
        assertTrue(shared < 1_000, shared + " of " + entries + " keys share their tag with another key of"
                + " their home bucket (" + buckets + " buckets): the tag depends on the bucket");
    }

    @Test
    void tagIsNeverZeroAndRoundTrips() {
        for (long hash : new long[] {0, 1, 0xFFFF, 0x10000, -1, Long.MIN_VALUE, 0x1234_5678_9ABC_0000L}) {
            long tag = SlotWord.tag(hash);
            assertTrue(tag > 0 && tag <= 0xFFFF, "tag " + tag + " of hash " + Long.toHexString(hash));
            long word = SlotWord.full(tag, 0x7FF8L);
            assertTrue(SlotWord.isFull(word) && SlotWord.tagOf(word) == tag && SlotWord.handle(word) == 0x7FF8L,
                    "word " + Long.toHexString(word));
        }
    }
}
