package io.slabkv.nativemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabkv.nativemem.FallbackLog.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class FallbackLogTest {

    @Test
    void eachKindIsLoggedAndKeptOnceInOrder() {
        RecordingLogger logger = new RecordingLogger();
        FallbackLog log = new FallbackLog(logger, "mmap[test]");
        assertTrue(log.record(Kind.MLOCK, () -> "first"));
        assertFalse(log.record(Kind.MLOCK, () -> { throw new AssertionError("a repeat builds no message"); }));
        assertTrue(log.record(Kind.DISCARD, () -> "second"));
        assertEquals(List.of("page source mmap[test]: first", "page source mmap[test]: second"), log.messages());
        assertEquals(List.of("WARNING page source mmap[test]: first", "WARNING page source mmap[test]: second"),
                logger.messages);
        assertTrue(log.taken(Kind.MLOCK));
        assertFalse(log.taken(Kind.EXPLICIT_HUGE_PAGES));
    }
}
