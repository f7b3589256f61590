package dev.tollgate.edge.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Writes the instants of events and snapshots without {@code DateTimeFormatter}, character for character as Jackson's
 * own serializer does ({@code DateTimeFormatter.ISO_INSTANT}: {@code 2026-12-04T16:58:46.123456Z}, the fraction in
 * groups of three digits, none when it is zero). Each spend event holds eight instants; formatting them was most of
 * the cost of serializing one. Years outside 0000–9999 go to Jackson's serializer. The twin of
 * {@link FastInstantDeserializer}; {@code FastInstantSerializerTest} compares both ways on random instants.
 */
public final class FastInstantSerializer extends StdScalarSerializer<Instant> {

    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in epoch seconds: the years written with four digits. */
    private static final long MIN_SECOND = -62_167_219_200L;
    private static final long MAX_SECOND = 253_402_300_800L;

    public FastInstantSerializer() {
        super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
        if (!hasFourDigitYear(value)) {
            InstantSerializer.INSTANCE.serialize(value, generator, provider);
            return;
        }
        char[] text = format(value.getEpochSecond(), value.getNano());
        generator.writeString(text, 0, text.length);
    }

    /** Whether the instant falls in the years 0000–9999, the only ones {@link #format} writes. */
    static boolean hasFourDigitYear(Instant value) {
        return value.getEpochSecond() >= MIN_SECOND && value.getEpochSecond() < MAX_SECOND;
    }

    /** ISO_INSTANT's text of an instant of the years 0000–9999. */
    static char[] format(long epochSecond, int nano) {
        int fractionDigits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
        return format(epochSecond, nano, fractionDigits);
    }

    /**
     * The text of an instant of the years 0000–9999 with exactly {@code fractionDigits} digits of its fraction of a
     * second (the rest cut off), none and no point when that is zero.
     */
    static char[] format(long epochSecond, int nano, int fractionDigits) {
        long day = Math.floorDiv(epochSecond, 86_400L);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(day);
        char[] text = new char[fractionDigits == 0 ? 20 : 21 + fractionDigits];
        put(text, 0, date.getYear(), 4);
        text[4] = '-';
        put(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        put(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        put(text, 11, secondOfDay / 3_600, 2);
        text[13] = ':';
        put(text, 14, secondOfDay / 60 % 60, 2);
        text[16] = ':';
        put(text, 17, secondOfDay % 60, 2);
        if (fractionDigits > 0) {
            text[19] = '.';
            int fraction = nano;
            for (int i = fractionDigits; i < 9; i++) {
                fraction /= 10;
            }
            put(text, 20, fraction, fractionDigits);
        }
        text[text.length - 1] = 'Z';
        return text;
    }

    /** {@code value} as {@code count} decimal digits, zero-padded, at {@code from}. */
    private static void put(char[] text, int from, int value, int count) {
        for (int i = from + count - 1; i >= from; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
