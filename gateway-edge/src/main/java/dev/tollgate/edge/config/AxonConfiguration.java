package dev.tollgate.edge.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tollgate.api.team.TeamLimits;
import dev.tollgate.edge.privacy.PersonalDataKeys;
import dev.tollgate.edge.privacy.PersonalDataSerializer;
import dev.tollgate.edge.storedevents.StoredEventUpcasters;
import dev.tollgate.projection.support.RequestSequencingPolicy;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jpa.SQLStateResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingModule;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.modelling.command.CommandTargetResolver;
import dev.tollgate.projection.access.AccessProjection;
import dev.tollgate.projection.alert.AlertProjection;
import dev.tollgate.projection.alert.WebhookOutbox;
import dev.tollgate.projection.audit.AuditProjection;
import dev.tollgate.projection.budget.BudgetStatusProjection;
import dev.tollgate.projection.directory.DirectoryProjection;
import dev.tollgate.projection.membership.UserIdClaims;
import dev.tollgate.projection.messagecost.MessageCostProjection;
import dev.tollgate.projection.recalculation.RecalculationReplay;
import dev.tollgate.projection.rollup.SpendRollupProjection;
import org.axonframework.serialization.AnnotationRevisionResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * How Axon runs here: readable JSON events, a strong cache and rare asynchronous snapshots for the hot Team
 * aggregates, and per-request sequencing for the per-message projection.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
public class AxonConfiguration {

    /**
     * Events and snapshots as plain JSON (readable with {@code convert_from(payload, 'UTF8')}), with a mapper of
     * their own so that HTTP JSON settings can never change how stored events read. Personal data in events is
     * sealed with its person's key (docs/privacy.md).
     */
    @Bean
    @Primary
    public Serializer serializer(ObjectProvider<PersonalDataKeys> personalDataKeys) {
        return new PersonalDataSerializer(jackson(), personalDataKeys::getObject);
    }

    /**
     * Axon's Jackson serializer as Tollgate configures it (each type name resolved once), without the sealing of
     * personal data.
     */
    public static JacksonSerializer jackson() {
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                // after JavaTimeModule, so that it wins: the ISO instants events hold, read without DateTimeFormatter
                .registerModule(new SimpleModule("tollgate-instants")
                        .addDeserializer(Instant.class, new FastInstantDeserializer())
                        .addSerializer(Instant.class, new FastInstantSerializer()))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return new TypeCachingJacksonSerializer(JacksonSerializer.builder().objectMapper(mapper)
                .revisionResolver(new CachedRevisionResolver(new AnnotationRevisionResolver())));
    }

    /** Every aggregate's command target resolver: Axon's, with each command class's annotated members found once. */
    @Bean
    public CommandTargetResolver commandTargetResolver() {
        return new CachedCommandTargetResolver();
    }

    @Bean
    PersonalDataKeys personalDataKeys(DataSource dataSource) {
        return new PersonalDataKeys(dataSource);
    }

    /**
     * Events stored by earlier releases, upcast to the shapes of today's event classes as they are read (Axon
     * registers every EventUpcaster bean with the event store and the processors).
     */
    @Bean
    EventUpcasterChain storedEventUpcasters() {
        return StoredEventUpcasters.chain();
    }

    @Bean
    @Qualifier("eventSerializer")
    Serializer eventSerializer(Serializer serializer) {
        return serializer;
    }

    @Bean
    @Qualifier("messageSerializer")
    Serializer messageSerializer(Serializer serializer) {
        return serializer;
    }

    /**
     * PostgreSQL reports a unique violation as SQL state 23505, which Axon's default JDBC resolver does not see:
     * without this, a second node's append to the same team would not become a (retried) ConcurrencyException.
     */
    @Bean
    PersistenceExceptionResolver persistenceExceptionResolver() {
        return new SQLStateResolver("23505");
    }

    /**
     * Axon's JDBC event store as its auto-configuration builds it, but fetching up to 1,000 events per query when
     * a processor streams (Axon's default is 100): a replay (a recalculation, a projection rebuilt) reads the store
     * in a tenth of the round trips; each streamed event's timestamp parsed once, cheaply; and the last
     * {@code CACHED_EVENTS} spend events this node appended streamed with their payload as appended, not decoded again
     * (StreamingJdbcEventStorageEngine); events appended by Axon's statement without copying their bytes
     * (EventAppendStatement).
     */
    @Bean
    EventStorageEngine eventStorageEngine(Serializer defaultSerializer,
                                          PersistenceExceptionResolver persistenceExceptionResolver,
                                          @Qualifier("eventSerializer") Serializer eventSerializer,
                                          Configuration configuration, ConnectionProvider connectionProvider,
                                          TransactionManager transactionManager) {
        return new StreamingJdbcEventStorageEngine(JdbcEventStorageEngine.builder()
                .snapshotSerializer(defaultSerializer)
                .upcasterChain(configuration.upcasterChain())
                .persistenceExceptionResolver(persistenceExceptionResolver)
                .eventSerializer(eventSerializer)
                .snapshotFilter(configuration.snapshotFilter())
                .connectionProvider(connectionProvider)
                .transactionManager(transactionManager)
                .schema(new EventSchema()) // Axon's table and column names, as V1 creates them
                .appendEvents(new EventAppendStatement()) // Axon's rows, without copying their bytes
                .batchSize(EVENT_FETCH_BATCH), CACHED_EVENTS);
    }

    static final int EVENT_FETCH_BATCH = 1_000;

    /**
     * The newest events the embedded store keeps in memory for the processors that follow the head (Axon's default
     * 10,000). Axon keeps that many whether or not every processor has passed them: about 20 MB of the live heap,
     * which every full collection marks and moves (docs/performance.md, "Memory"). 2,000 still
     * covers a pooled coordinator's look-ahead (its work packages buffer about 1,000 events) plus a batch; a processor
     * further behind reads from the database until it has caught up, as before.
     */
    static final int CACHED_EVENTS = 2_000;

    /**
     * Axon's embedded event store (as its auto-configuration builds it), whose reader fetches new events for the
     * processors at most once per {@code tollgate.ledger.event-fetch-linger} after commits (LingeringEventStore).
     */
    @Qualifier("eventStore")
    @Bean(name = "eventBus")
    EmbeddedEventStore eventStore(EventStorageEngine storageEngine, Configuration configuration,
                                  TollgateProperties properties) {
        return new LingeringEventStore(EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .cachedEvents(CACHED_EVENTS)
                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                .spanFactory(configuration.getComponent(EventBusSpanFactory.class)),
                properties.ledger().eventFetchLinger(), CACHED_EVENTS / 4);
    }

    @Bean
    Cache teamCache() {
        return new BoundedAggregateCache(10_000, Duration.ofHours(1));
    }

    /**
     * A snapshot every 5,000 events of a team: often enough that a restart loads a hot team quickly, rarely enough
     * not to cost much (a hot team at 1,000 requests/s writes ~2,000 events/s).
     */
    @Bean
    SnapshotTriggerDefinition teamSnapshotTrigger(Snapshotter snapshotter) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, 5_000);
    }

    /**
     * Snapshots from the cached team (CachedAggregateSnapshotter): serialized under the team's lock in the unit of
     * work that reached the threshold, stored after its commit on the snapshotter's thread; no replay of the events
     * since the last snapshot. Axon's replaying snapshotter remains for the other cases.
     */
    @Bean
    @Primary
    Snapshotter cachedAggregateSnapshotter(SpringAggregateSnapshotter replaying, Cache teamCache,
                                           Serializer serializer, EventStore eventStore,
                                           TransactionManager transactionManager,
                                           SnapshotThread snapshotThread) {
        return new CachedAggregateSnapshotter(replaying, teamCache, serializer, eventStore, transactionManager,
                snapshotThread.executor());
    }

    /**
     * The one thread snapshots are stored (and, by Axon's snapshotter, replayed) on. Not an Executor bean: that
     * would take the place of Spring Boot's task executor.
     */
    @Bean(destroyMethod = "close")
    SnapshotThread snapshotThread() {
        return new SnapshotThread();
    }

    /** A daemon thread of its own for snapshots, shut down with the application context. */
    public static final class SnapshotThread implements AutoCloseable {
        private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "axon-snapshotter");
            thread.setDaemon(true);
            return thread;
        });

        ExecutorService executor() {
            return executor;
        }

        @Override
        public void close() {
            executor.shutdown();
        }
    }

    /** Axon's snapshotter: it replays the events since the last snapshot, on a thread of its own. */
    @Bean
    SpringAggregateSnapshotter aggregateSnapshotter(Configuration configuration, HandlerDefinition handlerDefinition,
                                                    ParameterResolverFactory parameterResolverFactory,
                                                    EventStore eventStore, TransactionManager transactionManager,
                                                    SnapshotThread snapshotThread) {
        return SpringAggregateSnapshotter.builder()
                .repositoryProvider(configuration::repository)
                .transactionManager(transactionManager)
                .eventStore(eventStore)
                .parameterResolverFactory(parameterResolverFactory)
                .handlerDefinition(handlerDefinition)
                .executor(snapshotThread.executor())
                .build();
    }

    /**
     * The re-costing group starts at the head of the event store: it only ever reads the past when a
     * recalculation resets it to the recalculation's start.
     */
    @Bean
    ConfigurerModule recalculationReplayStartsAtHead() {
        return configurer -> configurer.eventProcessing().registerPooledStreamingEventProcessorConfiguration(
                RecalculationReplay.PROCESSING_GROUP,
                (config, builder) -> builder.initialToken(StreamableMessageSource::createHeadToken));
    }

    /** The bounds of a team (tollgate.ledger.max-members-per-team), given to the Team's command handlers. */
    @Bean
    TeamLimits teamLimits(TollgateProperties properties) {
        return new TeamLimits(properties.ledger().maxMembersPerTeam());
    }

    /** Every pooled processor asks its handlers once per payload type whether they handle it. */
    @Bean
    EventProcessingModule eventProcessingModule() {
        return new PayloadTypeFilteringProcessingModule();
    }

    /**
     * No correlation data: Axon's default copies a trace and a correlation id into the metadata of every message a
     * handler produces, which nothing here reads (telemetry has its own traces). Without it every stored event's
     * metadata is empty, and no event handler deserializes the metadata of the event it handles to copy it again
     * into a result nobody reads (a quarter of the read model's work packages' CPU samples at saturation).
     */
    @Bean
    ConfigurerModule noCorrelationData() {
        return new ConfigurerModule() {
            @Override
            public void configureModule(org.axonframework.config.Configurer configurer) {
                configurer.configureCorrelationDataProviders(c -> List.of());
            }

            @Override
            public int order() {
                return 1; // after Axon's own module, which registers the default provider with order 0
            }
        };
    }

    /**
     * The processors that keep the read model: each of them only writes rows that replaying the event store would
     * write again. Not the ones that send commands (a cohort's boost, a member's move).
     */
    static final List<String> READ_MODEL_PROCESSORS = List.of(MessageCostProjection.PROCESSING_GROUP,
            SpendRollupProjection.PROCESSING_GROUP, RecalculationReplay.PROCESSING_GROUP,
            BudgetStatusProjection.PROCESSING_GROUP, DirectoryProjection.PROCESSING_GROUP,
            AuditProjection.PROCESSING_GROUP, AlertProjection.PROCESSING_GROUP);

    /** The read model's transactions commit without waiting for the disk (AsynchronousCommitTransactionManager). */
    @Bean
    ConfigurerModule readModelCommitsAsynchronously(TransactionManager transactionManager, DataSource dataSource) {
        return configurer -> READ_MODEL_PROCESSORS.forEach(processor -> configurer.eventProcessing()
                .registerTransactionManager(processor,
                        config -> new AsynchronousCommitTransactionManager(transactionManager, dataSource)));
    }

    /**
     * The subscribing groups whose rows are written in the transaction that records their event: keys, credentials
     * and key policies as the edge checks them (AccessProjection), the webhook outbox (WebhookOutbox), the team that
     * holds each user id (UserIdClaims). A handler's failure there propagates and fails the command, as their javadoc
     * promises, instead of being logged by Axon's default LoggingErrorHandler while the event commits without its
     * row: an issued key that never works, a revocation recorded while the key still answers, an alert without its
     * deliveries, a user id registered in a second team. ({@code budget-warnings}
     * writes no row: its in-memory map is read again from {@code budget_alerts} every refresh, so a failure there
     * is logged rather than refusing the requests whose spend crossed a threshold.)
     */
    static final List<String> ROWS_WRITTEN_WITH_THEIR_EVENT = List.of(AccessProjection.PROCESSING_GROUP,
            WebhookOutbox.PROCESSING_GROUP, UserIdClaims.PROCESSING_GROUP);

    @Bean
    ConfigurerModule rowsWrittenWithTheirEventFailTheirCommand() {
        return configurer -> ROWS_WRITTEN_WITH_THEIR_EVENT.forEach(group -> configurer.eventProcessing()
                .registerListenerInvocationErrorHandler(group, config -> PropagatingErrorHandler.instance()));
    }

    @Bean
    RequestSequencingPolicy requestSequencingPolicy() {
        return new RequestSequencingPolicy();
    }
}
