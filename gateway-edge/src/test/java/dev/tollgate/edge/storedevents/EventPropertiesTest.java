package dev.tollgate.edge.storedevents;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.api.key.KeyIssued;
import dev.tollgate.api.key.KeyLimits;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.edge.config.AxonConfiguration;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events are stored as their record components and nothing else. A derived method that Jackson takes for a getter
 * ({@code getX()}, or a boolean {@code isX()}: {@code issuedByOwner()} was read as the is-getter of a property
 * {@code suedByOwner}) would write a property into every stored event that no reader has a component for, and into
 * the audit trail's details. Such a method carries {@code @JsonIgnore}. Events stored with such a property still
 * read: the event serializer ignores properties it does not know.
 */
class EventPropertiesTest {

    /** The event serializer's mapper (the personal data sealing around it changes values, never names). */
    private static final ObjectMapper STORED = AxonConfiguration.jackson().getObjectMapper();

    @Test
    void everyRecordOfTheApiIsWrittenAsItsComponentsAlone() {
        Set<Class<?>> records = EventTypes.apiRecords();
        assertThat(records).as("the records of dev.tollgate.api").hasSizeGreaterThan(50)
                .contains(KeyIssued.class, Budget.class);

        Map<String, Set<String>> extra = new TreeMap<>();
        for (Class<?> type : records) {
            BeanDescription description = STORED.getSerializationConfig().introspect(STORED.constructType(type));
            if (description.findJsonValueAccessor() != null) {
                continue; // written as a single value (Money, TokenPrice)
            }
            Set<String> written = description.findProperties().stream().filter(BeanPropertyDefinition::couldSerialize)
                    .map(BeanPropertyDefinition::getName).collect(Collectors.toCollection(TreeSet::new));
            written.removeAll(components(type));
            if (!written.isEmpty()) {
                extra.put(type.getName(), written);
            }
        }
        assertThat(extra).as("properties written besides the record components").isEmpty();
    }

    @Test
    void aKeyIssuedIsWrittenWithoutSuedByOwnerAndOneStoredWithItStillReads() throws Exception {
        KeyIssued issued = new KeyIssued("key-1", "h".repeat(64), "tg_abcd", "laptop", "team-1", "ada", List.of(),
                null, KeyLimits.NONE, Map.of(), Map.of(), KeyIssued.memberActor("ada"),
                Instant.parse("2026-12-07T10:00:00Z"));
        assertThat(issued.issuedByOwner()).isTrue();

        ObjectNode written = STORED.valueToTree(issued);

        assertThat(written.has("suedByOwner")).isFalse();
        assertThat(fieldNames(written)).containsExactlyInAnyOrderElementsOf(components(KeyIssued.class));

        // as releases 0.3 and 0.4 stored it
        written.put("suedByOwner", true);
        KeyIssued read = STORED.treeToValue(written, KeyIssued.class);
        assertThat(read).isEqualTo(issued);
        assertThat(read.issuedByOwner()).isTrue();
    }

    @Test
    void aBudgetIsWrittenWithoutLimitedAndOneStoredWithItStillReads() throws Exception {
        Budget budget = new Budget(Money.of("10"), BudgetPeriod.MONTHLY);

        ObjectNode written = STORED.valueToTree(budget);

        assertThat(fieldNames(written)).containsExactlyInAnyOrder("limit", "period");
        // as every release before stored it
        written.put("limited", true);
        assertThat(STORED.treeToValue(written, Budget.class)).isEqualTo(budget);
    }

    private static Set<String> components(Class<?> type) {
        return Stream.of(type.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> fieldNames(ObjectNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
