package io.slabkv.bench.cli;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Small trace files in each format of ../shared/traces, for tests. */
final class TraceFiles {

    private TraceFiles() {
    }

    static Path gzipText(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    static Path xzText(Path file, String text) throws IOException {
        try (OutputStream out = new XZOutputStream(Files.newOutputStream(file), new LZMA2Options())) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    static Path xzInt32(Path file, int... keys) throws IOException {
        try (DataOutputStream out = new DataOutputStream(
                new XZOutputStream(Files.newOutputStream(file), new LZMA2Options()))) {
            for (int k : keys) {
                out.writeInt(k); // big-endian
            }
        }
        return file;
    }
}
