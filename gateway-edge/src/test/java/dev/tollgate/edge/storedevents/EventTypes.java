package dev.tollgate.edge.storedevents;

import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The event types of today's code, found by scanning it (never a list kept by hand, which the next person to add an
 * event would forget): every class of {@code dev.tollgate.api} that carries a {@link Revision} (an event is stored
 * with one), and every class an aggregate or one of its entities in {@code dev.tollgate.domain} takes in an
 * {@link EventSourcingHandler} (an event it applies, even one somebody forgot to give a revision).
 */
final class EventTypes {

    static final String API = "dev.tollgate.api";
    static final String DOMAIN = "dev.tollgate.domain";

    private EventTypes() {
    }

    /** The names of every event type, sorted. */
    static Set<String> all() {
        Set<String> types = new TreeSet<>(revisioned());
        types.addAll(appliedByAggregates());
        return types;
    }

    /** The classes of {@code dev.tollgate.api} with a {@link Revision}. */
    static Set<String> revisioned() {
        ClassPathScanningCandidateComponentProvider scanner = scanner();
        scanner.addIncludeFilter(new AnnotationTypeFilter(Revision.class));
        return scanner.findCandidateComponents(API).stream().map(BeanDefinition::getBeanClassName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Every record of {@code dev.tollgate.api}: the events and whatever they hold (budgets, limits, prices, usage),
     * and the commands.
     */
    static Set<Class<?>> apiRecords() {
        return classesOf(API).stream().filter(Class::isRecord).collect(Collectors.toSet());
    }

    /** The parameter types of every {@link EventSourcingHandler} of {@code dev.tollgate.domain}. */
    static Set<String> appliedByAggregates() {
        Set<String> types = new TreeSet<>();
        for (Class<?> type : domainClasses()) {
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(EventSourcingHandler.class) && method.getParameterCount() > 0) {
                    types.add(method.getParameterTypes()[0].getName());
                }
            }
        }
        return types;
    }

    /** The simple names of the aggregates that have a snapshot trigger: those Axon stores snapshots of. */
    static Set<String> snapshotted() {
        return domainClasses().stream()
                .filter(type -> type.isAnnotationPresent(Aggregate.class)
                        && !type.getAnnotation(Aggregate.class).snapshotTriggerDefinition().isEmpty())
                .map(Class::getSimpleName).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Class<?>> domainClasses() {
        return classesOf(DOMAIN);
    }

    /** Every class of the package and those below it. */
    private static Set<Class<?>> classesOf(String basePackage) {
        ClassPathScanningCandidateComponentProvider scanner = scanner();
        scanner.addIncludeFilter((reader, factory) -> true);
        return scanner.findCandidateComponents(basePackage).stream().map(definition -> {
            try {
                return Class.forName(definition.getBeanClassName());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toSet());
    }

    /** Every class file, nested, abstract and records included (a component scan would skip some). */
    private static ClassPathScanningCandidateComponentProvider scanner() {
        return new ClassPathScanningCandidateComponentProvider(false) {
            @Override
            protected boolean isCandidateComponent(AnnotatedBeanDefinition beanDefinition) {
                return true;
            }
        };
    }
}
