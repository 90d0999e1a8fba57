package dev.backstep.internal;

import java.io.OutputStream;

/**
 * An output stream that keeps only the last {@code capacity} bytes written to it and counts all
 * of them. Thread-safe.
 */
final class TailBuffer extends OutputStream {
    private final byte[] ring;
    private int start;
    private int size;
    private long total;

    TailBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        ring = new byte[capacity];
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        total += len;
        int cap = ring.length;
        if (len >= cap) {
            System.arraycopy(b, off + len - cap, ring, 0, cap);
            start = 0;
            size = cap;
            return;
        }
        for (int i = 0; i < len; i++) {
            int end = (start + size) % cap;
            ring[end] = b[off + i];
            if (size < cap) {
                size++;
            } else {
                start = (start + 1) % cap;
            }
        }
    }

    /** The kept bytes, oldest first. */
    synchronized byte[] bytes() {
        byte[] out = new byte[size];
        int first = Math.min(size, ring.length - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, size - first);
        return out;
    }

    /** How many bytes were written in all, kept or not. */
    synchronized long total() {
        return total;
    }
}
