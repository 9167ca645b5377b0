package dev.groundwork.monitoring.service.envelope;

import dev.groundwork.monitoring.service.IngestError;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Stops a stream at a limit with a 413: the compressed body at its limit, the decompressed envelope at its own. */
public final class LimitedInputStream extends FilterInputStream {

    private final long limit;
    private final String detail;
    private long count;
    private long mark;

    public LimitedInputStream(InputStream in, long limit, String detail) {
        super(in);
        this.limit = limit;
        this.detail = detail;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b != -1) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        counted(skipped);
        return skipped;
    }

    @Override
    public synchronized void mark(int readLimit) {
        super.mark(readLimit);
        mark = count;
    }

    @Override
    public synchronized void reset() throws IOException {
        super.reset();
        count = mark;
    }

    private void counted(long n) {
        count += n;
        if (count > limit) {
            throw IngestError.tooLarge(detail, "over " + limit + " bytes");
        }
    }
}
