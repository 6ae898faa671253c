package io.slabkv.bench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceReaderTest {

    @TempDir
    Path dir;

    /** Every request as {key, size}. */
    static List<long[]> readAll(Path file, TraceReader.Format format) throws IOException {
        List<long[]> all = new ArrayList<>();
        try (TraceReader r = TraceReader.open(file, format)) {
            while (r.next()) {
                all.add(new long[] {r.key(), r.size()});
            }
            assertFalse(r.next(), "stays at the end");
            assertEquals(all.size(), r.requests());
            assertEquals(Files.size(file), r.fileBytesRead(), "the whole file was read");
        }
        return all;
    }

    static long[] keys(List<long[]> requests) {
        return requests.stream().mapToLong(r -> r[0]).toArray();
    }

    @Test
    void gzipTextKeysAsTheLirsTracesWriteThem() throws IOException {
        // CRLF line ends, '*' end markers, a blank line, a second column ignored
        Path f = TraceFiles.gzipText(dir.resolve("lirs.trace.gz"), "0\r\n1\r\n2\r\n*\r\n\r\n2819 x\n85\n*\n");
        try (TraceReader r = TraceReader.open(f, TraceReader.Format.AUTO)) {
            assertEquals("gzip, text keys", r.description());
            assertFalse(r.hasSizes());
        }
        List<long[]> all = readAll(f, TraceReader.Format.AUTO);
        assertArrayEquals(new long[] {0, 1, 2, 2819, 85}, keys(all));
        assertTrue(all.stream().allMatch(r -> r[1] == -1), "no sizes");
    }

    @Test
    void xzBinaryInt32Keys() throws IOException {
        Path f = TraceFiles.xzInt32(dir.resolve("web.trace.xz"), 0, 1, 2, 0, 0x7FFFFFFF, -1, 123456789);
        try (TraceReader r = TraceReader.open(f, TraceReader.Format.AUTO)) {
            assertEquals("xz, binary int32 keys", r.description());
        }
        assertArrayEquals(new long[] {0, 1, 2, 0, 0x7FFFFFFF, -1, 123456789}, keys(readAll(f, TraceReader.Format.AUTO)));
    }

    @Test
    void xzTextTimeIdSize() throws IOException {
        Path f = TraceFiles.xzText(dir.resolve("adapt.trace.xz"), "1 0 68\n2 1 7454\n3 0 68\n4.5 2 4000000\n");
        try (TraceReader r = TraceReader.open(f, TraceReader.Format.AUTO)) {
            assertEquals("xz, text time id size", r.description());
            assertTrue(r.hasSizes());
        }
        List<long[]> all = readAll(f, TraceReader.Format.AUTO);
        assertEquals(4, all.size());
        assertArrayEquals(new long[] {0, 68}, all.get(0));
        assertArrayEquals(new long[] {1, 7454}, all.get(1));
        assertArrayEquals(new long[] {0, 68}, all.get(2));
        assertArrayEquals(new long[] {2, 4_000_000}, all.get(3));
    }

    @Test
    void uncompressedAndForcedFormats() throws IOException {
        Path f = Files.writeString(dir.resolve("plain.txt"), "7 8 9\n10 11 12\n");
        try (TraceReader r = TraceReader.open(f, TraceReader.Format.AUTO)) {
            assertEquals("uncompressed, text time id size", r.description());
        }
        // The same file read as a key per line: the first column.
        assertArrayEquals(new long[] {7, 10}, keys(readAll(f, TraceReader.Format.KEYS)));
        // Text read as int32: "7 8 " is 0x37203820.
        assertEquals(0x37203820L, readAll(Files.writeString(dir.resolve("four.txt"), "7 8 "), TraceReader.Format.INT32)
                .getFirst()[0]);
    }

    @Test
    void emptyTrace() throws IOException {
        assertEquals(0, readAll(TraceFiles.gzipText(dir.resolve("empty.gz"), ""), TraceReader.Format.AUTO).size());
    }

    @Test
    void guessesFromContent() {
        assertEquals(TraceReader.Format.KEYS, TraceReader.guess("1\n2\n".getBytes()));
        assertEquals(TraceReader.Format.KEYS, TraceReader.guess("*\n\n12".getBytes()));
        assertEquals(TraceReader.Format.TIME_ID_SIZE, TraceReader.guess("1 2 3\n".getBytes()));
        assertEquals(TraceReader.Format.INT32, TraceReader.guess(new byte[] {0, 0, 0, 1}));
        assertEquals(null, TraceReader.guess("1 2\n".getBytes()));
    }

    @Test
    void malformedInput() throws IOException {
        Path twoColumns = Files.writeString(dir.resolve("two.txt"), "1 2\n");
        assertEquals("cannot tell the trace's format from its first lines: use --format keys, int32 or time-id-size",
                assertThrows(IOException.class, () -> TraceReader.open(twoColumns, TraceReader.Format.AUTO))
                        .getMessage());
        assertEquals("line 3: unexpected 'x' in the key", assertThrows(IOException.class,
                () -> readAll(Files.writeString(dir.resolve("k.txt"), "1\n2\n3x\n"), TraceReader.Format.KEYS))
                .getMessage());
        assertEquals("line 2: expected a number (size) before the end of the line", assertThrows(IOException.class,
                () -> readAll(Files.writeString(dir.resolve("t.txt"), "1 2 3\n4 5\n"), TraceReader.Format.TIME_ID_SIZE))
                .getMessage());
        assertEquals("line 1: size -3 is negative", assertThrows(IOException.class,
                () -> readAll(Files.writeString(dir.resolve("n.txt"), "1 2 -3\n"), TraceReader.Format.TIME_ID_SIZE))
                .getMessage());
        assertEquals("line 1: key does not fit 64 bits", assertThrows(IOException.class,
                () -> readAll(Files.writeString(dir.resolve("big.txt"), "99999999999999999999\n"),
                        TraceReader.Format.KEYS)).getMessage());
        assertEquals("the trace ends inside a 4-byte key, after 1 keys (a truncated file, or not int32 keys)",
                assertThrows(IOException.class, () -> readAll(
                        Files.write(dir.resolve("cut.bin"), new byte[] {0, 0, 0, 1, 0, 0}), TraceReader.Format.AUTO))
                        .getMessage());
    }
}
