package io.slabkv.nativemem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** What /proc says about this process: resident and locked memory, and the mapping at an address. */
final class Proc {

    private static final Pattern HEADER = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    private Proc() {
    }

    static long rssAnonKb() {
        return OsMemory.statusKb("RssAnon");
    }

    static long vmRssKb() {
        return OsMemory.statusKb("VmRSS");
    }

    static long vmLckKb() {
        return OsMemory.statusKb("VmLck");
    }

    /** Whether some mapping of this process covers {@code address}. */
    static boolean mapped(long address) {
        for (String line : read("/proc/self/maps")) {
            long[] range = range(line);
            if (address >= range[0] && address < range[1]) {
                return true;
            }
        }
        return false;
    }

    /** The kB fields ({@code Rss}, {@code KernelPageSize}, {@code AnonHugePages}, {@code Locked}, ...) of the mapping covering {@code address}. */
    static Map<String, Long> smaps(long address) {
        Map<String, Long> fields = null;
        for (String line : read("/proc/self/smaps")) {
            if (HEADER.matcher(line).lookingAt()) {
                if (fields != null) {
                    return fields;
                }
                long[] range = range(line);
                if (address >= range[0] && address < range[1]) {
                    fields = new HashMap<>();
                }
            } else if (fields != null && line.endsWith(" kB")) {
                int colon = line.indexOf(':');
                String value = line.substring(colon + 1, line.length() - 3).trim();
                fields.put(line.substring(0, colon), Long.parseLong(value));
            }
        }
        if (fields == null) {
            throw new AssertionError("no mapping covers 0x" + Long.toHexString(address));
        }
        return fields;
    }

    private static long[] range(String mapsLine) {
        String r = mapsLine.substring(0, mapsLine.indexOf(' '));
        int dash = r.indexOf('-');
        return new long[] {Long.parseUnsignedLong(r.substring(0, dash), 16),
                Long.parseUnsignedLong(r.substring(dash + 1), 16)};
    }

    private static List<String> read(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
