package io.slabkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@link StoreSpec} over a confined store, plus what only a confined store does: refuse other threads. */
class ConfinedStoreTest extends StoreSpec {

    @Override
    SlabKV.Builder variant(SlabKV.Builder b) {
        return b.confined();
    }

    /** The confined store's cleaner needs no grace period, so a visitor's put cleans tombstones and succeeds. */
    @Test
    void aVisitorMayPutIntoAnIndexWithoutEmptySlots() {
        SlabKV kv = storeWithoutEmptySlots();
        int[] visits = {0};
        kv.forEach((k, v) -> {
            if (visits[0]++ == 0) {
                kv.put(100L, value(30, 100));
            }
        });
        assertArrayEquals(valueBytes(30, 100), kv.get(littleEndian(100)));
        assertEquals(13, kv.size());
        assertEquals(0, kv.stats().evictions());
    }

    @Test
    void isConfined() {
        assertTrue(open().confined());
    }

    /**
     * Every method but stats(), close included, called from a thread other than the owner throws
     * {@link WrongThreadException} naming both threads, and the owner's store is unchanged; stats()
     * answers any thread.
     */
    @Test
    void anotherThreadIsRefusedWithBothThreadsNamed() throws InterruptedException {
        SlabKV kv = sampleStore();
        String owner = Thread.currentThread().getName();
        StoreStats before = kv.stats();
        List<String> wrong = new ArrayList<>();
        Thread intruder = new Thread(() -> {
            List<Call> calls = new ArrayList<>(everyCall(kv));
            // stats() is the one read any thread may make (JMX reads it from its own threads).
            calls.removeIf(c -> c.name().equals("stats"));
            try {
                if (kv.stats().entries() != 2) {
                    wrong.add("stats from another thread saw " + kv.stats().entries() + " entries, not 2");
                }
            } catch (Throwable e) {
                wrong.add("stats from another thread threw " + e);
            }
            calls.add(new Call("close", kv::close));
            for (Call c : calls) {
                try {
                    c.call().execute();
                    wrong.add(c.name() + " was not refused");
                } catch (WrongThreadException e) {
                    String m = String.valueOf(e.getMessage());
                    if (!m.contains("'" + owner + "'") || !m.contains("'intruder'")) {
                        wrong.add(c.name() + ": the message does not name both threads: " + m);
                    }
                } catch (Throwable e) {
                    wrong.add(c.name() + " threw " + e);
                }
            }
        }, "intruder");
        intruder.start();
        intruder.join();
        assertEquals(List.of(), wrong);

        StoreStats after = kv.stats();
        assertEquals(2, kv.size());
        assertEquals(before.puts(), after.puts());
        assertEquals(before.bytesUsed(), after.bytesUsed());
        assertArrayEquals(SAMPLE, read(kv, KEY));
        kv.put(text("after"), value(10, 2));
        assertArrayEquals(valueBytes(10, 2), read(kv, text("after")));
    }
}
