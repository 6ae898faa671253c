package io.slabkv.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {

    private static final Set<String> VALUED = Set.of("keys", "limit");
    private static final Set<String> FLAGS = Set.of("confined");

    private static Args parse(String... args) throws UsageException {
        return Args.parse(args, VALUED, FLAGS);
    }

    @Test
    void separateAndJoinedValues() throws UsageException {
        Args a = parse("--keys", "10", "--limit=1GiB");
        assertEquals("10", a.get("keys", null));
        assertEquals("1GiB", a.get("limit", null));
        assertTrue(a.has("keys"));
        assertFalse(a.help());
    }

    @Test
    void lastValueWinsAndEmptyJoinedValueIsKept() throws UsageException {
        Args a = parse("--keys", "1", "--keys=2", "--limit=");
        assertEquals("2", a.get("keys", null));
        assertEquals("", a.get("limit", null));
    }

    @Test
    void aValueMayStartWithADash() throws UsageException {
        assertEquals("-5", parse("--keys", "-5").get("keys", null));
    }

    @Test
    void flagsHelpAndPositionals() throws UsageException {
        Args a = parse("trace.gz", "--confined", "-h", "--", "--keys");
        assertTrue(a.flag("confined"));
        assertTrue(a.help());
        assertEquals(List.of("trace.gz", "--keys"), a.positionals());
        assertTrue(parse("--help").help());
        assertEquals("fallback", parse().get("keys", "fallback"));
    }

    @Test
    void errors() {
        assertEquals("unknown option '--frob'", assertThrows(UsageException.class, () -> parse("--frob")).getMessage());
        assertEquals("unknown option '--frob'",
                assertThrows(UsageException.class, () -> parse("--frob=1")).getMessage());
        assertEquals("unknown option '-k'", assertThrows(UsageException.class, () -> parse("-k")).getMessage());
        assertEquals("option --keys needs a value", assertThrows(UsageException.class, () -> parse("--keys")).getMessage());
        assertEquals("option --confined takes no value (got '--confined=yes')",
                assertThrows(UsageException.class, () -> parse("--confined=yes")).getMessage());
    }
}
