package io.slabkv.nativemem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the kernel says about memory: page sizes, huge page pools, the transparent huge page mode,
 * the locked-memory limit and this process's figures from {@code /proc/self/status}. Read when a
 * message or a decision needs them, never on an allocation path. A file that cannot be read gives
 * -1 or {@code "unknown"}: these facts explain, they do not decide whether a call is made.
 */
final class OsMemory {

    static final int CAP_IPC_LOCK = 14;
    private static final long TWO_MIB = 2L << 20;
    private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage");

    private OsMemory() {
    }

    /** The base page size, {@code sysconf(_SC_PAGESIZE)}. */
    static long pageSize() {
        return LibC.sysconf(LibC.SC_PAGESIZE);
    }

    /** The default size of explicit (hugetlbfs) huge pages, {@code Hugepagesize} in /proc/meminfo. */
    static long hugePageSize() {
        long kb = meminfoKb("Hugepagesize");
        return kb > 0 ? kb << 10 : TWO_MIB;
    }

    /** The size of a transparent huge page (a PMD mapping). */
    static long transparentHugePageSize() {
        long size = parseLong(firstLine(THP.resolve("hpage_pmd_size")));
        return size > 0 ? size : TWO_MIB;
    }

    /**
     * The transparent huge page mode, the bracketed word of
     * /sys/kernel/mm/transparent_hugepage/enabled ({@code always}, {@code madvise} or
     * {@code never}), or {@code "unavailable"} when the kernel has no THP.
     */
    static String transparentHugePageMode() {
        String line = firstLine(THP.resolve("enabled"));
        if (line == null) {
            return "unavailable";
        }
        int open = line.indexOf('['), close = line.indexOf(']');
        return open >= 0 && close > open ? line.substring(open + 1, close) : line.trim();
    }

    /** A figure of /proc/meminfo in kB ({@code HugePages_Total} etc. are counts), or -1. */
    static long meminfoKb(String key) {
        return field(Path.of("/proc/meminfo"), key);
    }

    /** A figure of /proc/self/status in kB ({@code VmRSS}, {@code RssAnon}, {@code VmLck}), or -1. */
    static long statusKb(String key) {
        return field(Path.of("/proc/self/status"), key);
    }

    /** {@code /proc/sys/vm/<name>} as a number, or -1. */
    static long vmSetting(String name) {
        return parseLong(firstLine(Path.of("/proc/sys/vm", name)));
    }

    /** {@code {soft, hard}} of RLIMIT_MEMLOCK; {@link LibC#RLIM_INFINITY} means unlimited. */
    static long[] memlockLimit() {
        return LibC.getrlimit(LibC.RLIMIT_MEMLOCK);
    }

    /** Whether the calling thread holds {@code capability} in its effective set. */
    static boolean hasEffectiveCapability(int capability) {
        List<String> lines = lines(Path.of("/proc/thread-self/status"));
        for (String line : lines) {
            if (line.startsWith("CapEff:")) {
                long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                return (caps & (1L << capability)) != 0;
            }
        }
        return false;
    }

    /** {@code "64 MiB"}, {@code "8 KiB"} or {@code "1000 bytes"}: the largest unit that divides exactly. */
    static String bytes(long n) {
        if (n == LibC.RLIM_INFINITY) {
            return "unlimited";
        }
        if (n >= 1L << 30 && n % (1L << 30) == 0) {
            return (n >> 30) + " GiB";
        }
        if (n >= 1L << 20 && n % (1L << 20) == 0) {
            return (n >> 20) + " MiB";
        }
        if (n >= 1L << 10 && n % (1L << 10) == 0) {
            return (n >> 10) + " KiB";
        }
        return n + " bytes";
    }

    private static long field(Path file, String key) {
        for (String line : lines(file)) {
            if (line.startsWith(key) && line.length() > key.length() && line.charAt(key.length()) == ':') {
                String value = line.substring(key.length() + 1).trim();
                int space = value.indexOf(' ');
                return parseLong(space < 0 ? value : value.substring(0, space));
            }
        }
        return -1;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    private static String firstLine(Path file) {
        List<String> lines = lines(file);
        return lines.isEmpty() ? null : lines.get(0);
    }

    private static long parseLong(String s) {
        if (s == null) {
            return -1;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
