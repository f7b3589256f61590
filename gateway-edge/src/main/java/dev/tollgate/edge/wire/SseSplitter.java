package dev.tollgate.edge.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a server-sent-event byte stream, whose chunks may end anywhere, into whole events (each with its blank line).
 * One instance per stream; not thread-safe (a stream's chunks arrive one after another).
 */
public final class SseSplitter {

    private byte[] pending = new byte[0];

    public List<byte[]> feed(byte[] chunk) {
        byte[] data = pending.length == 0 ? chunk : concat(pending, chunk);
        List<byte[]> events = new ArrayList<>(2);
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            int end = eventEnd(data, i);
            if (end > 0) {
                events.add(Arrays.copyOfRange(data, start, end));
                start = end;
                i = end - 1;
            }
        }
        pending = start == data.length ? new byte[0] : Arrays.copyOfRange(data, start, data.length);
        return events;
    }

    /** What is left when the stream ends without a final blank line. */
    public byte[] rest() {
        return pending;
    }

    /** The index after a blank line starting at {@code i} ("\n\n" or "\r\n\r\n"), or -1. */
    private static int eventEnd(byte[] data, int i) {
        if (data[i] != '\n' && data[i] != '\r') {
            return -1;
        }
        if (data[i] == '\n' && i + 1 < data.length && data[i + 1] == '\n') {
            return i + 2;
        }
        if (data[i] == '\r' && i + 3 < data.length && data[i + 1] == '\n' && data[i + 2] == '\r'
                && data[i + 3] == '\n') {
            return i + 4;
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
