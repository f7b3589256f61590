package dev.tollgate.edge.bench;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.config.AxonConfiguration;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Not a test (no surefire pattern matches it; run it with -Dtest=EventSerializationBenchmark): CPU and bytes allocated
 * per event when the ledger writes its hot events (a reservation and a settlement) and the processors read them back,
 * with the event store's serializer.
 */
class EventSerializationBenchmark {

    @Test
    void probe() {
        Serializer serializer = AxonConfiguration.jackson();
        Instant at = Instant.parse("2026-03-14T09:26:53.589793238Z");
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        Instant end = Instant.parse("2026-04-01T00:00:00Z");
        AccountBalance team = new AccountBalance(Money.of("1000000"), BudgetPeriod.MONTHLY, start, end,
                Money.of("12.345678901"), Money.of("0.0123"), Money.ZERO);
        AccountBalance user = new AccountBalance(Money.of("25"), BudgetPeriod.MONTHLY, start, end,
                Money.of("3.000042"), Money.of("0.002468"), Money.ZERO);
        SpendReserved reserved = new SpendReserved("req-0123456789abcdef", "perf", "perf-user", "key-1",
                "gpt-4o-mini", Money.of("0.0024876"), 4096, 4096, false, at, at.plusSeconds(600), Map.of(), team,
                user, null);
        SpendSettled settled = new SpendSettled("req-0123456789abcdef", "perf", "perf-user", "key-1",
                "gpt-4o-mini", "openai", "mock", new Usage(180, 50, 0, 0), Money.of("0.0024876"),
                Money.of("0.000057"), "v1", 3, at, at.plusMillis(3), team, user, null, Map.of(), 1);
        SerializedObject<byte[]> reservedBytes = serializer.serialize(reserved, byte[].class);
        SerializedObject<byte[]> settledBytes = serializer.serialize(settled, byte[].class);
        assertThat((Object) serializer.deserialize(reservedBytes)).isEqualTo(reserved);
        assertThat((Object) serializer.deserialize(settledBytes)).isEqualTo(settled);
        long sink = 0;
        sink += measure("SpendReserved serialized", () -> (long) serializer.serialize(reserved, byte[].class)
                .getData().length);
        sink += measure("SpendSettled serialized", () -> (long) serializer.serialize(settled, byte[].class)
                .getData().length);
        sink += measure("SpendReserved deserialized", () -> ((SpendReserved) serializer.deserialize(
                reservedBytes)).grantedMaxTokens());
        sink += measure("SpendSettled deserialized", () -> (long) ((SpendSettled) serializer.deserialize(
                settledBytes)).attempts());
        System.out.printf("PROBE sizes: SpendReserved %d bytes, SpendSettled %d bytes%n",
                reservedBytes.getData().length, settledBytes.getData().length);
        assertThat(sink).isPositive();
    }

    private static long measure(String name, Supplier<Long> work) {
        return PieceMeter.measure(name, 200_000, work);
    }
}
