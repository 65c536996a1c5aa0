package io.github.prefine.core.data.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * A file's bytes, handing the count of each read to a counter as they pass, so that a caller can
 * show how far a read has come. Not API.
 *
 * <p>It changes nothing that is read: every call goes to the file's stream, and only what that
 * stream returns is counted. Closing it closes the file.
 */
final class CountedInput extends FilterInputStream {
    private final LongConsumer counter;

    /**
     * Counts a stream's bytes.
     *
     * @param in the file's bytes
     * @param counter receives the number of bytes each read (or skip) took, when positive
     */
    CountedInput(InputStream in, LongConsumer counter) {
        super(in);
        this.counter = counter;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            counter.accept(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            counter.accept(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        if (skipped > 0) {
            counter.accept(skipped);
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        // a reset would count bytes twice
        return false;
    }
}
