package io.slabkv.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link OffHeapIndex#matchTag} computes with arithmetic what a probe used to find with a branch per
 * slot. Guards the two ways such arithmetic goes wrong: a marker word (EMPTY, TOMBSTONE, CLEANING:
 * tag 0) or a word whose tag differs in any bit reported as a match, and a real match missed
 * (highest tag bits, several matches in one bucket, the overflow word in slot 0 taken for a slot).
 */
class MatchTagTest {

    @Test
    void reportsExactlyTheSlotsWithTheTag() {
        try (OffHeapIndex index = OffHeapIndex.create(1_000, false)) {
            Random random = new Random(7);
            long[] tags = {1, 2, 0x8000, 0xFFFF, 0x7FFF, 0x00FF, 0xFF00};
            long[] markers = {SlotWord.EMPTY, SlotWord.TOMBSTONE, SlotWord.CLEANING};
            for (int round = 0; round < 20_000; round++) {
                long b = random.nextInt((int) index.buckets());
                long tag = tags[random.nextInt(tags.length)];
                // The overflow count may hold any number, even one whose top bits equal the tag.
                index.addOverflow(b, index.next(b), (tag << 48) - index.laOverflow(b));
                int expected = 0;
                for (int s = 1; s <= OffHeapIndex.BUCKET_SLOTS; s++) {
                    long slot = OffHeapIndex.slot(b, s);
                    long word = switch (random.nextInt(4)) {
                        case 0 -> markers[random.nextInt(markers.length)];
                        case 1 -> SlotWord.full(tag, random.nextLong(1L << 40) << 3);
                        // one bit away from the tag, or any other tag
                        case 2 -> SlotWord.full(tag ^ (1L << random.nextInt(16)), 8); // 0 is TOMBSTONE
                        default -> SlotWord.full(1 + random.nextInt(0xFFFF), 16);
                    };
                    index.casSlot(slot, index.laSlot(slot), word);
                    if (SlotWord.tagOf(word) == tag) {
                        expected |= 1 << s;
                    }
                }
                assertEquals(Integer.toBinaryString(expected), Integer.toBinaryString(index.matchTag(b, tag)),
                        "bucket " + b + ", tag " + Long.toHexString(tag));
            }
        }
    }
}
