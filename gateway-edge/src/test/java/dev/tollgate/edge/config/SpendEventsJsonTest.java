package dev.tollgate.edge.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written JSON of the two spend events is what Jackson's bean serializer writes for them, on random events:
 * every component of the records (and of the balances and usage inside) is set from its type, so a component added
 * to a record and not to {@link SpendEventsJson} makes the two differ.
 */
class SpendEventsJsonTest {

    private static final String TEXT = "abcXYZ09 -_.:/\"\\\u00e9\u4e2d\ud83d\ude00\n\t";

    private final ObjectMapper events = AxonConfiguration.jackson().getObjectMapper();
    @Test
    void writesTheSpendEventsAsJacksonsBeanSerializerDoes() throws Exception {
        ObjectMapper plain = AxonConfiguration.beanMapper();
        SplittableRandom random = new SplittableRandom(20261205);
        for (int i = 0; i < 2_000; i++) {
            for (Class<?> type : new Class<?>[]{SpendReserved.class, SpendSettled.class}) {
                Object event = random(type, random, i % 7 == 0);
                assertThat(events.writeValueAsString(event)).as(type.getSimpleName() + " #" + i)
                        .isEqualTo(plain.writeValueAsString(event));
            }
        }
    }

    @Test
    void theHandWrittenJsonIsWhatTheEventsAreStoredWith() throws Exception {
        Object event = random(SpendSettled.class, new SplittableRandom(1), false);
        String written = events.writeValueAsString(event);
        assertThat(AxonConfiguration.beanMapper().writeValueAsString(event)).isEqualTo(written);
        assertThat(events.readValue(written, SpendSettled.class)).isEqualTo(event);
    }

    /** A random {@code type}: records component by component; {@code nulls}: nullable components null. */
    private static Object random(Type type, SplittableRandom random, boolean nulls) throws Exception {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == String.class) {
            return nulls ? null : text(random);
        } else if (raw == long.class) {
            return random.nextLong();
        } else if (raw == int.class) {
            return random.nextInt();
        } else if (raw == boolean.class) {
            return random.nextBoolean();
        } else if (raw == Money.class) {
            return nulls ? null : Money.ofNanos(random.nextLong());
        } else if (raw == Instant.class) {
            return nulls ? null : RandomInstants.of(random.nextLong(), 4).get(random.nextInt(4));
        } else if (raw == BudgetPeriod.class) {
            return BudgetPeriod.values()[random.nextInt(BudgetPeriod.values().length)];
        } else if (raw == Map.class) {
            Map<String, String> tags = new LinkedHashMap<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                tags.put(text(random), text(random));
            }
            return tags;
        } else if (raw.isRecord()) {
            if (nulls && (raw == AccountBalance.class || raw == Usage.class)) {
                return null;
            }
            RecordComponent[] components = raw.getRecordComponents();
            Object[] values = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                values[i] = random(components[i].getGenericType(), random, nulls && random.nextBoolean());
            }
            Constructor<?> canonical = raw.getDeclaredConstructor(Arrays.stream(components)
                    .map(RecordComponent::getType).toArray(Class<?>[]::new));
            return canonical.newInstance(values);
        }
        throw new AssertionError("no random " + type + ": teach this test the new component's type");
    }

    private static String text(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            text.appendCodePoint(TEXT.codePointAt(TEXT.offsetByCodePoints(0, random.nextInt(TEXT.codePointCount(0,
                    TEXT.length())))));
        }
        return text.toString();
    }
}
