package dev.tollgate.edge.arch;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every stored shape is named: each event (whatever an aggregate or a projection handles) and each aggregate (the
 * payload of its snapshots) carries a {@code @Revision}, so that an upcaster can tell one shape from the next and a
 * snapshot of an earlier shape is skipped rather than misread (docs/ledger.md, "How events evolve").
 */
class RevisionsTest {

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tollgate");
    }

    @Test
    void everyEventCarriesARevision() {
        Set<String> events = new TreeSet<>();
        for (JavaClass type : classes) {
            for (JavaMethod method : type.getMethods()) {
                if ((method.isAnnotatedWith(EventHandler.class) || method.isAnnotatedWith(EventSourcingHandler.class))
                        && !method.getRawParameterTypes().isEmpty()) {
                    JavaClass event = method.getRawParameterTypes().get(0);
                    if (event.getPackageName().startsWith("dev.tollgate.api")) {
                        events.add(event.getName());
                    }
                }
            }
        }
        assertThat(events).as("the events handled anywhere").hasSizeGreaterThanOrEqualTo(30);
        assertThat(events).allSatisfy(name -> assertThat(classes.get(name).isAnnotatedWith(Revision.class))
                .as(name + " has a @Revision").isTrue());
    }

    @Test
    void everyAggregateCarriesARevisionForItsSnapshots() {
        Set<JavaClass> aggregates = classes.stream().filter(c -> c.isAnnotatedWith(Aggregate.class))
                .collect(java.util.stream.Collectors.toSet());
        assertThat(aggregates).hasSizeGreaterThanOrEqualTo(6);
        assertThat(aggregates).allSatisfy(aggregate -> assertThat(aggregate.isAnnotatedWith(Revision.class))
                .as(aggregate.getName() + " has a @Revision").isTrue());
    }
}
