package io.slabkv.bench.cli;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Reads the requests of a cache access trace, one at a time, without allocating per request:
 * {@link #next()} then {@link #key()} and {@link #size()}.
 *
 * <p>Compression is told by the file's first bytes (gzip, xz, or none); the record format by
 * {@link Format}, or guessed from the first 4 KiB of content when {@link Format#AUTO}: text when
 * every byte is printable ASCII or white space, else binary int32 keys. A text trace whose first
 * request line has three columns is {@code time id size}; one column, a key per line.
 */
abstract class TraceReader implements Closeable {

    /** How requests are written in a trace. */
    enum Format {
        AUTO("auto"),
        /** Text, one decimal key per line (further columns ignored); blank lines and {@code *} or {@code #} lines skipped. */
        KEYS("text keys"),
        /** Binary: big-endian signed 32-bit keys, one after another. */
        INT32("binary int32 keys"),
        /** Text: {@code time id size} per line, size in bytes. */
        TIME_ID_SIZE("text time id size");

        final String description;

        Format(String description) {
            this.description = description;
        }

        static Format parse(String option, String text) throws UsageException {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "auto" -> AUTO;
                case "keys", "text" -> KEYS;
                case "int32", "binary" -> INT32;
                case "time-id-size", "tis" -> TIME_ID_SIZE;
                default -> throw new UsageException("--" + option + " '" + text
                        + "' must be auto, keys, int32 or time-id-size");
            };
        }
    }

    private static final int SAMPLE = 4096;

    protected final InputStream in;
    private final CountingStream counted;
    private final String compression;
    protected long key;
    protected long size = -1;
    protected long requests;

    TraceReader(InputStream in, CountingStream counted, String compression) {
        this.in = in;
        this.counted = counted;
        this.compression = compression;
    }

    /**
     * Opens {@code path} in {@code format} (AUTO to guess).
     *
     * @throws IOException when the file cannot be read or its format cannot be told
     */
    static TraceReader open(Path path, Format format) throws IOException {
        CountingStream counted = new CountingStream(Files.newInputStream(path));
        try {
            BufferedInputStream raw = new BufferedInputStream(counted, 1 << 16);
            raw.mark(8);
            byte[] magic = raw.readNBytes(6);
            raw.reset();
            String compression;
            InputStream decompressed;
            if (magic.length >= 2 && (magic[0] & 0xFF) == 0x1F && (magic[1] & 0xFF) == 0x8B) {
                compression = "gzip";
                decompressed = new GZIPInputStream(raw, 1 << 16);
            } else if (magic.length == 6 && (magic[0] & 0xFF) == 0xFD && magic[1] == '7' && magic[2] == 'z'
                    && magic[3] == 'X' && magic[4] == 'Z' && magic[5] == 0) {
                compression = "xz";
                decompressed = new XZInputStream(raw);
            } else {
                compression = "uncompressed";
                decompressed = raw;
            }
            BufferedInputStream content = new BufferedInputStream(decompressed, 1 << 16);
            if (format == Format.AUTO) {
                content.mark(SAMPLE);
                byte[] sample = content.readNBytes(SAMPLE);
                content.reset();
                format = guess(sample);
                if (format == null) {
                    throw new IOException("cannot tell the trace's format from its first lines: use --format"
                            + " keys, int32 or time-id-size");
                }
            }
            return switch (format) {
                case KEYS -> new Text(content, counted, compression, false);
                case TIME_ID_SIZE -> new Text(content, counted, compression, true);
                case INT32 -> new Int32(content, counted, compression);
                case AUTO -> throw new AssertionError();
            };
        } catch (IOException | RuntimeException e) {
            counted.close();
            throw e;
        }
    }

    /** The format of a trace that starts with {@code sample}, or null when it is text of no known shape. */
    static Format guess(byte[] sample) {
        if (sample.length == 0) {
            return Format.KEYS; // empty: no requests in any format
        }
        for (byte b : sample) {
            boolean text = (b >= 0x20 && b < 0x7F) || b == '\t' || b == '\r' || b == '\n';
            if (!text) {
                return Format.INT32; // binary keys below 2^24 start with a zero byte
            }
        }
        // Text: count the columns of the first line that holds a request.
        int i = 0;
        while (i < sample.length) {
            int end = i;
            while (end < sample.length && sample[end] != '\n') {
                end++;
            }
            if (end == sample.length && i > 0) {
                break; // a line cut by the sample's end, after complete ones
            }
            String line = new String(sample, i, end - i, StandardCharsets.US_ASCII).strip();
            i = end + 1;
            if (line.isEmpty() || line.startsWith("*") || line.startsWith("#")) {
                continue;
            }
            int columns = line.split("[\\s,]+").length;
            return switch (columns) {
                case 1 -> Format.KEYS;
                case 3 -> Format.TIME_ID_SIZE;
                default -> null;
            };
        }
        return Format.KEYS;
    }

    /** Reads the next request; false at the end of the trace. */
    abstract boolean next() throws IOException;

    /** Which format this reader reads. */
    abstract Format format();

    /** The current request's key. */
    final long key() {
        return key;
    }

    /** The current request's object size in bytes, or -1 when the trace has no sizes. */
    final long size() {
        return size;
    }

    /** Whether the trace gives object sizes. */
    boolean hasSizes() {
        return format() == Format.TIME_ID_SIZE;
    }

    /** Requests read so far. */
    final long requests() {
        return requests;
    }

    /** Bytes of the file consumed so far (compressed), for progress. */
    final long fileBytesRead() {
        return counted.count;
    }

    /** For example {@code gzip, text keys}. */
    final String description() {
        return compression + ", " + format().description;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    // ---------------------------------------------------------------- formats

    /** Text lines: a key per line, or {@code time id size}. Parsed a byte at a time, no strings. */
    static final class Text extends TraceReader {
        private final boolean timeIdSize;
        private long line;

        Text(InputStream in, CountingStream counted, String compression, boolean timeIdSize) {
            super(in, counted, compression);
            this.timeIdSize = timeIdSize;
        }

        @Override
        Format format() {
            return timeIdSize ? Format.TIME_ID_SIZE : Format.KEYS;
        }

        @Override
        boolean next() throws IOException {
            for (;;) {
                int c = in.read();
                if (c < 0) {
                    return false;
                }
                line++;
                c = skipBlanks(c);
                if (c == '\n' || c == '*' || c == '#' || c < 0) { // blank line, LIRS marker, comment
                    if (c != '\n') {
                        skipLine(c);
                    }
                    if (c < 0) {
                        return false;
                    }
                    continue;
                }
                if (timeIdSize) {
                    c = skipField(c, "time");
                    c = skipBlanks(c);
                    c = parseLong(c, "id");
                    key = value;
                    c = skipBlanks(c);
                    c = parseLong(c, "size");
                    if (value < 0) {
                        throw error("size " + value + " is negative");
                    }
                    size = value;
                } else {
                    c = parseLong(c, "key");
                    key = value;
                }
                skipLine(c);
                requests++;
                return true;
            }
        }

        private long value;

        /** Parses a decimal long starting at {@code c} into {@link #value}; returns the byte after it. */
        private int parseLong(int c, String what) throws IOException {
            boolean negative = c == '-';
            if (negative) {
                c = in.read();
            }
            if (c < '0' || c > '9') {
                throw error("expected a number (" + what + ")" + (c < 0 ? " before the end of the file"
                        : c == '\n' || c == '\r' ? " before the end of the line" : ", found '" + (char) c + "'"));
            }
            long v = 0;
            while (c >= '0' && c <= '9') {
                int d = c - '0';
                if (v > (Long.MAX_VALUE - d) / 10) {
                    throw error(what + " does not fit 64 bits");
                }
                v = v * 10 + d;
                c = in.read();
            }
            if (c >= 0 && c != ' ' && c != '\t' && c != ',' && c != '\r' && c != '\n') {
                throw error("unexpected '" + (char) c + "' in the " + what);
            }
            value = negative ? -v : v;
            return c;
        }

        private int skipField(int c, String what) throws IOException {
            if (c < 0 || c == '\n' || c == '\r') {
                throw error("expected " + what);
            }
            while (c >= 0 && c != ' ' && c != '\t' && c != ',' && c != '\n' && c != '\r') {
                c = in.read();
            }
            return c;
        }

        private int skipBlanks(int c) throws IOException {
            while (c == ' ' || c == '\t' || c == ',' || c == '\r') {
                c = in.read();
            }
            return c;
        }

        private void skipLine(int c) throws IOException {
            while (c >= 0 && c != '\n') {
                c = in.read();
            }
        }

        private IOException error(String message) {
            return new IOException("line " + Units.count(line) + ": " + message);
        }
    }

    /** Binary big-endian int32 keys. */
    static final class Int32 extends TraceReader {

        Int32(InputStream in, CountingStream counted, String compression) {
            super(in, counted, compression);
        }

        @Override
        Format format() {
            return Format.INT32;
        }

        @Override
        boolean next() throws IOException {
            int b0 = in.read();
            if (b0 < 0) {
                return false;
            }
            int b1 = in.read(), b2 = in.read(), b3 = in.read();
            if ((b1 | b2 | b3) < 0) {
                throw new IOException("the trace ends inside a 4-byte key, after " + Units.count(requests)
                        + " keys (a truncated file, or not int32 keys)");
            }
            key = (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
            requests++;
            return true;
        }
    }

    /** Counts the bytes read from the file. */
    static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
