package dev.tollgate.edge.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a server-sent-event byte stream, whose chunks may end anywhere, into whole events (each with its blank line),
 * as the SSE specification reads it: a line ends at CRLF, LF or CR, and an empty line ends an event. One instance per
 * stream; not thread-safe (a stream's chunks arrive one after another).
 */
public final class SseSplitter {

    /**
     * The most an event may hold before its blank line. An upstream that never sends a blank line (or one event
     * without end) would otherwise be held in memory without limit; past it the stream fails ({@link EventTooLarge}).
     * Generous: the largest real events (a partial image of a streamed image generation, in base64) are a few MB.
     */
    public static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    /** An event that went past {@link #MAX_EVENT_BYTES} without its blank line. */
    public static final class EventTooLarge extends RuntimeException {
        EventTooLarge() {
            super("an event of the stream exceeded " + MAX_EVENT_BYTES + " bytes", null, false, false);
        }
    }

    private static final byte[] NONE = new byte[0];

    /** The start of the event not yet ended, {@code pending[0, pendingLength)}: grown by doubling, not re-copied. */
    private byte[] pending = NONE;
    private int pendingLength;
    /** Whether the last byte read ended a line (so that a line end now is an empty line). */
    private boolean atLineStart = true;
    /** Whether the last byte read was a CR: an LF right after it is the same line end (CRLF), not another. */
    private boolean afterCr;
    /** Whether what is pending is a whole event ended by a CR, the last byte of its chunk: its LF may follow. */
    private boolean endedAtCr;

    public List<byte[]> feed(byte[] chunk) {
        List<byte[]> events = new ArrayList<>(2);
        int start = 0; // where the part of the current event within this chunk starts
        int i = 0;
        if (endedAtCr && chunk.length > 0) {
            // the pending event ended at a CR, the last byte of the previous chunk: whole now, with this LF if it
            // is one (the same CRLF), so that it passes on byte for byte
            endedAtCr = false;
            afterCr = false;
            start = chunk[0] == '\n' ? 1 : 0;
            i = start;
            events.add(take(chunk, 0, start));
        }
        for (; i < chunk.length; i++) {
            byte b = chunk[i];
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    continue; // CRLF: one line end
                }
            }
            if (b != '\n' && b != '\r') {
                atLineStart = false;
                continue;
            }
            afterCr = b == '\r';
            if (!atLineStart) {
                atLineStart = true;
                continue;
            }
            // an empty line: the event ends after it, with the LF of its CRLF
            int end = i + 1;
            if (b == '\r') {
                if (end == chunk.length) {
                    endedAtCr = true; // kept: its LF, if any, comes first in the next chunk
                    break;
                }
                afterCr = false;
                if (chunk[end] == '\n') {
                    end++;
                }
            }
            events.add(take(chunk, start, end));
            start = end;
            i = end - 1;
        }
        keep(chunk, start);
        return events;
    }

    /**
     * What is left when the stream ends without a final blank line, as an event ended by one (so that what follows
     * it is not read as part of it), or {@code null} when nothing is left. Ends the splitter.
     */
    public byte[] end() {
        if (pendingLength == 0) {
            return null;
        }
        byte last = pending[pendingLength - 1];
        byte[] ending = endedAtCr ? NONE : last == '\n' || last == '\r' ? new byte[] {last} : new byte[] {'\n', '\n'};
        endedAtCr = false;
        byte[] event = Arrays.copyOf(pending, pendingLength + ending.length);
        System.arraycopy(ending, 0, event, pendingLength, ending.length);
        pending = NONE;
        pendingLength = 0;
        return event;
    }

    /** The event made of what is pending and {@code chunk[start, end)}. */
    private byte[] take(byte[] chunk, int start, int end) {
        if (pendingLength == 0) {
            return Arrays.copyOfRange(chunk, start, end);
        }
        byte[] event = Arrays.copyOf(pending, pendingLength + end - start);
        System.arraycopy(chunk, start, event, pendingLength, end - start);
        pendingLength = 0;
        if (pending.length > 64 * 1024) {
            pending = NONE; // a large event's buffer is not kept for the rest of the stream
        }
        return event;
    }

    /** Keeps {@code chunk[start, ...)}, the start of an event not ended yet. */
    private void keep(byte[] chunk, int start) {
        int more = chunk.length - start;
        if (more == 0) {
            return;
        }
        if ((long) pendingLength + more > MAX_EVENT_BYTES) {
            throw new EventTooLarge();
        }
        if (pendingLength + more > pending.length) {
            pending = Arrays.copyOf(pending, Math.min(MAX_EVENT_BYTES,
                    Math.max(pendingLength + more, Math.max(256, pending.length * 2))));
        }
        System.arraycopy(chunk, start, pending, pendingLength, more);
        pendingLength += more;
    }
}
