package dev.groundwork.monitoring.service.envelope;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Newline-terminated lines of an envelope, read with a bound. */
final class Lines {

    /** A line longer than its bound. */
    static final class TooLong extends IOException {
        TooLong() {
            super("line too long", null);
        }
    }

    private Lines() {
    }

    /** The next line without its {@code \n}, null at the end of the stream; {@link TooLong} past {@code max} bytes. */
    static byte[] read(InputStream in, int max) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(Math.min(max, 8192));
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return line.toByteArray();
            }
            if (line.size() >= max) {
                throw new TooLong();
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    /** Skips to the end of the line, however long (the stream as a whole is bounded). */
    static void skip(InputStream in) throws IOException {
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            // skipped
        }
    }
}
