package io.slabkv.bench.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** Parsing and printing of sizes, counts, durations and ratios, as the command line spells them. */
final class Units {

    static final long KIB = 1L << 10, MIB = 1L << 20, GIB = 1L << 30, TIB = 1L << 40;
    private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);

    private Units() {
    }

    // ---------------------------------------------------------------- parsing

    /**
     * A size in bytes: a number with an optional unit, {@code B}, {@code KiB}/{@code K} (1024),
     * {@code KB} (1000), and the same for M, G and T; case-insensitive, fractions allowed when they
     * make whole bytes ({@code 1.5KiB}).
     */
    static long size(String option, String text) throws UsageException {
        String s = text.strip();
        if (s.startsWith("-")) {
            throw new UsageException("--" + option + " " + text + " is negative: a size is 0 bytes or more");
        }
        int i = numberEnd(s, false);
        String unit = s.substring(i).strip().toLowerCase(Locale.ROOT);
        long multiplier = switch (unit) {
            case "", "b" -> 1;
            case "k", "kib" -> KIB;
            case "kb" -> 1000;
            case "m", "mib" -> MIB;
            case "mb" -> 1_000_000;
            case "g", "gib" -> GIB;
            case "gb" -> 1_000_000_000;
            case "t", "tib" -> TIB;
            case "tb" -> 1_000_000_000_000L;
            default -> -1;
        };
        BigDecimal number = multiplier < 0 ? null : decimal(s.substring(0, i));
        if (number == null) {
            throw new UsageException("--" + option + " '" + text + "' is not a size (for example 100, 64KiB, "
                    + "1.5GiB, 10MB)");
        }
        BigDecimal bytes = number.multiply(BigDecimal.valueOf(multiplier));
        if (bytes.compareTo(MAX_LONG) > 0) {
            throw new UsageException("--" + option + " " + text + " is too large");
        }
        try {
            return bytes.longValueExact();
        } catch (ArithmeticException e) {
            throw new UsageException("--" + option + " " + text + " is not a whole number of bytes");
        }
    }

    /** A count: digits (with optional {@code _} or {@code ,} separators), optionally {@code k}, {@code m}, {@code g} (10^3, 10^6, 10^9). */
    static long count(String option, String text) throws UsageException {
        String s = text.strip();
        if (s.startsWith("-")) {
            throw new UsageException("--" + option + " " + text + " is negative");
        }
        int i = numberEnd(s, true);
        String unit = s.substring(i).strip().toLowerCase(Locale.ROOT);
        long multiplier = switch (unit) {
            case "" -> 1;
            case "k" -> 1000;
            case "m" -> 1_000_000;
            case "g" -> 1_000_000_000;
            default -> -1;
        };
        BigDecimal number = multiplier < 0 ? null : decimal(s.substring(0, i).replace(",", ""));
        if (number == null) {
            throw new UsageException("--" + option + " '" + text + "' is not a number (for example 10000, "
                    + "1_000_000, 1m)");
        }
        BigDecimal n = number.multiply(BigDecimal.valueOf(multiplier));
        if (n.compareTo(MAX_LONG) > 0) {
            throw new UsageException("--" + option + " " + text + " is too large");
        }
        try {
            return n.longValueExact();
        } catch (ArithmeticException e) {
            throw new UsageException("--" + option + " " + text + " is not a whole number");
        }
    }

    /**
     * A duration in nanoseconds: a number and a unit, {@code ns}, {@code us}, {@code ms}, {@code s},
     * {@code m} (or {@code min}), {@code h}; a bare number is seconds.
     */
    static long durationNanos(String option, String text) throws UsageException {
        String s = text.strip();
        if (s.startsWith("-")) {
            throw new UsageException("--" + option + " " + text + " is negative");
        }
        int i = numberEnd(s, false);
        String unit = s.substring(i).strip().toLowerCase(Locale.ROOT);
        long multiplier = switch (unit) {
            case "ns" -> 1;
            case "us", "\u00b5s" -> 1_000;
            case "ms" -> 1_000_000;
            case "", "s" -> 1_000_000_000;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> -1;
        };
        BigDecimal number = multiplier < 0 ? null : decimal(s.substring(0, i));
        if (number == null) {
            throw new UsageException("--" + option + " '" + text + "' is not a duration (for example 20s, "
                    + "500ms, 2m)");
        }
        BigDecimal nanos = number.multiply(BigDecimal.valueOf(multiplier));
        if (nanos.compareTo(MAX_LONG) > 0) {
            throw new UsageException("--" + option + " " + text + " is too long");
        }
        return nanos.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** A ratio from 0 to 1: {@code 0.9} or {@code 90%}. */
    static double ratio(String option, String text) throws UsageException {
        String s = text.strip();
        boolean negative = s.startsWith("-");
        String body = negative ? s.substring(1) : s;
        boolean percent = body.endsWith("%");
        BigDecimal number = decimal(percent ? body.substring(0, body.length() - 1).strip() : body);
        if (number == null) {
            throw new UsageException("--" + option + " '" + text + "' is not a ratio (for example 0.9 or 90%)");
        }
        double r = number.doubleValue() / (percent ? 100 : 1);
        if ((negative && r != 0) || r > 1) {
            throw new UsageException("--" + option + " " + text + " is outside 0..1 (0% to 100%)");
        }
        return r;
    }

    /** A finite decimal number. */
    static double real(String option, String text) throws UsageException {
        String s = text.strip();
        boolean negative = s.startsWith("-");
        BigDecimal number = decimal(negative ? s.substring(1) : s);
        if (number == null) {
            throw new UsageException("--" + option + " '" + text + "' is not a number");
        }
        double d = number.doubleValue();
        return negative ? -d : d;
    }

    /** A signed 64-bit integer, decimal or {@code 0x} hexadecimal. */
    static long integer(String option, String text) throws UsageException {
        try {
            return Long.decode(text.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + option + " '" + text + "' is not a 64-bit integer");
        }
    }

    /** Where the leading number of {@code s} ends: digits, {@code .}, {@code _} (and {@code ,} for counts). */
    private static int numberEnd(String s, boolean commas) {
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if ((c >= '0' && c <= '9') || c == '.' || c == '_' || (commas && c == ',')) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static BigDecimal decimal(String s) {
        String t = s.replace("_", "");
        if (t.isEmpty() || t.startsWith("_")) {
            return null;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return null;
            }
        }
        try {
            return new BigDecimal(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- printing

    /** {@code 1,234,567}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Bytes in binary units: {@code 512 B}, {@code 10.7 MiB}, {@code 1.00 GiB}. */
    static String bytes(long b) {
        if (b < KIB && b > -KIB) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = b;
        int u = -1;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return threeDigits(v) + " " + units[u];
    }

    /** A latency: {@code 850 ns}, {@code 1.23 us}, {@code 45.6 ms}, {@code 1.20 s}. */
    static String latency(long nanos) {
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return threeDigits(nanos / 1e3) + " us";
        }
        if (nanos < 1_000_000_000) {
            return threeDigits(nanos / 1e6) + " ms";
        }
        return threeDigits(nanos / 1e9) + " s";
    }

    /** A duration as given on the command line: {@code 20 s}, {@code 500 ms}, {@code 1.5 s}. */
    static String duration(long nanos) {
        if (nanos < 1_000_000_000 && nanos % 1_000_000 == 0) {
            return nanos / 1_000_000 + " ms";
        }
        if (nanos < 1_000_000) {
            return latency(nanos);
        }
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString() + " s";
    }

    /** Three significant digits (four for numbers from 1000 up, which do not occur after unit scaling). */
    static String threeDigits(double v) {
        double a = Math.abs(v);
        String f = a < 9.995 ? "%.2f" : a < 99.95 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, f, v);
    }

    /** A ratio with four decimals, or {@code -} when undefined. */
    static String ratio(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.4f", r);
    }
}
