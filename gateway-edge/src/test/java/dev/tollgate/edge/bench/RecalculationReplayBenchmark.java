package dev.tollgate.edge.bench;

import dev.tollgate.edge.recalculation.Recalculations;
import dev.tollgate.edge.support.RunningGateway;
import dev.tollgate.projection.recalculation.RecalculationReplay;
import dev.tollgate.query.recalculation.RecalculationQueries;
import dev.tollgate.query.recalculation.RecalculationView;
import org.axonframework.config.EventProcessingConfiguration;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Benchmark, not a test (its name keeps it out of {@code mvn verify}): how fast a recalculation re-costs settled
 * requests. Writes {@code bench.events} (default 1,000,000) settlements straight into the event store, one in
 * {@code bench.changedEvery} (default 1: all, the worst case) charged a cost the price book disagrees with (so it
 * becomes a diff line), the others charged what the price book says (0.0014), stops the other
 * projections so that they do not compete for the two cores, then times a recalculation from start to ready.
 * <p>
 * Run: {@code mvn -B -q -pl gateway-edge -am -DskipTests install && mvn -B -pl gateway-edge test
 * -Dtest=RecalculationReplayBenchmark -Dsurefire.failIfNoSpecifiedTests=false} (or {@code bench/recalculation.sh}).
 */
class RecalculationReplayBenchmark {

    static final int EVENTS = Integer.getInteger("bench.events", 1_000_000);
    /** One settlement in this many is charged a wrong cost (1: all of them, the worst case for the diff). */
    static final int CHANGED_EVERY = Integer.getInteger("bench.changedEvery", 1);
    static final int TEAMS = 100;
    static final int CHUNK = 100_000;

    @TempDir
    Path dataDir;

    @Test
    void reCostAMillionSettledRequests() {
        try (RunningGateway gateway = RunningGateway.start(List.of("test"), "tollgate.data-dir=" + dataDir,
                "logging.level.root=warn")) {
            DSLContext dsl = gateway.bean(DSLContext.class);
            EventProcessingConfiguration processing = gateway.bean(EventProcessingConfiguration.class);
            processing.eventProcessors().forEach((name, processor) -> {
                if (!name.equals(RecalculationReplay.PROCESSING_GROUP) && !name.equals("directory")) {
                    processor.shutDown();
                }
            });
            Instant from = Instant.now().minusSeconds(1);
            long writeStarted = System.nanoTime();
            for (int start = 0; start < EVENTS; start += CHUNK) {
                insertSettlements(dsl, start, Math.min(EVENTS, start + CHUNK) - 1, Instant.now());
            }
            System.out.printf("%nwrote %,d settlements into the event store in %.1f s%n", EVENTS,
                    (System.nanoTime() - writeStarted) / 1e9);

            long started = System.nanoTime();
            String id = gateway.bean(Recalculations.class).start(from, null, "benchmark", "bench");
            RecalculationQueries queries = gateway.bean(RecalculationQueries.class);
            RecalculationView view;
            do {
                sleep(Duration.ofMillis(200));
                view = queries.find(id).orElse(null);
            } while (view == null || view.status().equals("running"));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("%nRECALCULATION REPLAY: %,d settled requests re-costed in %.1f s = %,.0f events/s "
                            + "(status %s, %,d diff lines written)%n", view.progress().processed(), seconds,
                    view.progress().processed() / seconds, view.status(), view.summary().messages());
        }
    }

    /**
     * Settlements of gpt-test (1,000 prompt and 200 completion tokens: 0.0014 at its configured prices), charged
     * 0.000001 where {@code i % CHANGED_EVERY == 0}.
     */
    private static void insertSettlements(DSLContext dsl, int first, int last, Instant at) {
        dsl.execute("""
                INSERT INTO domainevententry (eventidentifier, aggregateidentifier, sequencenumber, type, timestamp,
                                              payloadtype, payloadrevision, payload, metadata)
                SELECT 'bench-event-' || i, 'bench-team-' || (i % ?), i / ?, 'Team', ?,
                       'dev.tollgate.api.spend.SpendSettled', NULL,
                       convert_to(jsonb_build_object(
                           'requestId', 'bench-' || i, 'teamId', 'bench-team-' || (i % ?), 'userId', 'u' || (i % 5000),
                           'keyId', 'key-' || (i % 5000), 'model', 'gpt-test', 'provider', 'openai',
                           'deployment', 'gpt-test', 'usage', jsonb_build_object('promptTokens', 1000,
                           'completionTokens', 200, 'cachedPromptTokens', 0, 'reasoningTokens', 0, 'images', 0),
                           'reserved', '0.01', 'cost', CASE WHEN i % ? = 0 THEN '0.000001' ELSE '0.0014' END,
                           'priceVersion', 'v1', 'latencyMillis', 100,
                           'reservedAt', ?, 'at', ?, 'teamBalance', NULL, 'userBalance', NULL, 'keyBalance', NULL,
                           'tags', jsonb_build_object('course', 'cs' || (i % 10)))::text, 'UTF8'),
                       convert_to('{}', 'UTF8')
                FROM generate_series(?::int, ?::int) i
                """, TEAMS, TEAMS, at.toString(), TEAMS, CHANGED_EVERY, at.toString(), at.toString(), first, last);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
