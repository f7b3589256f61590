package dev.tollgate.edge.ledger;

import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SettleSpend;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendLine;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.database.DatabaseAvailability;
import dev.tollgate.edge.support.Config;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settlement linger of {@link SpendLedger}, over Axon's real command bus: a settlement waits for its team's next
 * reservation and leaves with it, a reservation never waits, and a graceful stop sends whatever still waits.
 */
class SpendLedgerLingerTest {

    private final List<List<SpendLine>> batches = new CopyOnWriteArrayList<>();
    /** Holds the first batch in the command handler until counted down (a batch in flight). */
    private final CountDownLatch firstBatchMayCommit = new CountDownLatch(1);
    private final CountDownLatch firstBatchInFlight = new CountDownLatch(1);
    private volatile boolean holdFirstBatch;
    private SpendLedger ledger;

    private SpendLedger ledger(String linger) {
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        bus.subscribe(RecordSpendBatch.class.getName(), message -> {
            RecordSpendBatch batch = (RecordSpendBatch) message.getPayload();
            batches.add(batch.lines());
            if (holdFirstBatch && batches.size() == 1) {
                firstBatchInFlight.countDown();
                firstBatchMayCommit.await(10, TimeUnit.SECONDS);
            }
            return new SpendBatchResult(batch.lines().stream().map(line -> line instanceof ReserveSpend
                    ? (SpendOutcome) new SpendOutcome.Reserved(line.requestId(), "u", Money.of("1"), 10, false)
                    : new SpendOutcome.Settled(line.requestId(), Money.of("0.5"))).toList());
        });
        TollgateProperties properties = Config.tollgate("ledger.settlement-linger", linger);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ledger = new SpendLedger(DefaultCommandGateway.builder().commandBus(bus).build(), properties, meters,
                new DatabaseAvailability(reachableDatabase(), properties, meters));
        return ledger;
    }

    /** A database that always answers the availability probe: this test is about batching, not outages. */
    private static DataSource reachableDatabase() {
        try {
            Connection connection = Mockito.mock(Connection.class);
            Mockito.when(connection.isValid(Mockito.anyInt())).thenReturn(true);
            DataSource dataSource = Mockito.mock(DataSource.class);
            Mockito.when(dataSource.getConnection()).thenReturn(connection);
            return dataSource;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (ledger != null) {
            ledger.stop();
        }
    }

    @Test
    void aSettlementLeavesWithTheTeamsNextReservationInOneBatch() throws Exception {
        SpendLedger ledger = ledger("1h");
        CompletableFuture<SpendOutcome> settled = ledger.submit("t", settle("r1"));
        assertThat(batches).isEmpty();
        assertThat(settled).isNotDone();

        SpendOutcome reserved = ledger.submit("t", reserve("r2")).get(10, TimeUnit.SECONDS);

        assertThat(reserved).isInstanceOf(SpendOutcome.Reserved.class);
        assertThat(settled.get(10, TimeUnit.SECONDS)).isEqualTo(new SpendOutcome.Settled("r1", Money.of("0.5")));
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0)).extracting(SpendLine::requestId).containsExactly("r1", "r2");
    }

    @Test
    void aSettlementThatArrivesWhileABatchIsInFlightWaitsForTheNextReservationRatherThanLeavingAlone()
            throws Exception {
        SpendLedger ledger = ledger("1h");
        CompletableFuture<SpendOutcome> settled = settleWhileTheFirstBatchIsInFlight(ledger);
        assertThat(settled).as("lingering, not sent alone after the batch in flight").isNotDone();
        assertThat(batches).hasSize(1);

        assertThat(ledger.submit("t", reserve("r2")).get(10, TimeUnit.SECONDS))
                .isInstanceOf(SpendOutcome.Reserved.class);

        assertThat(settled.get(10, TimeUnit.SECONDS)).isEqualTo(new SpendOutcome.Settled("r0", Money.of("0.5")));
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).extracting(SpendLine::requestId).containsExactly("r0", "r2");
    }

    @Test
    void aSettlementThatArrivedWhileABatchWasInFlightLeavesWhenItsLingerIsOver() throws Exception {
        SpendLedger ledger = ledger("50ms");
        CompletableFuture<SpendOutcome> settled = settleWhileTheFirstBatchIsInFlight(ledger);

        assertThat(settled.get(10, TimeUnit.SECONDS)).isEqualTo(new SpendOutcome.Settled("r0", Money.of("0.5")));
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).extracting(SpendLine::requestId).containsExactly("r0");
    }

    @Test
    void aReservationQueuedBehindABatchInFlightLeavesRightAfterIt() throws Exception {
        holdFirstBatch = true;
        SpendLedger ledger = ledger("1h");
        CompletableFuture<SpendOutcome> first = ledger.submit("t", reserve("r1"));
        assertThat(firstBatchInFlight.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<SpendOutcome> settled = ledger.submit("t", settle("r0"));
        CompletableFuture<SpendOutcome> second = ledger.submit("t", reserve("r2"));
        firstBatchMayCommit.countDown();

        assertThat(second.get(10, TimeUnit.SECONDS)).isInstanceOf(SpendOutcome.Reserved.class);
        assertThat(settled.get(10, TimeUnit.SECONDS)).isInstanceOf(SpendOutcome.Settled.class);
        assertThat(first).isDone();
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).extracting(SpendLine::requestId).containsExactly("r0", "r2");
    }

    @Test
    void aGracefulStopSendsTheSettlementsStillWaiting() throws Exception {
        SpendLedger ledger = ledger("1h");
        CompletableFuture<SpendOutcome> first = ledger.submit("t", settle("r1"));
        CompletableFuture<SpendOutcome> other = ledger.submit("u", settle("r2"));
        assertThat(batches).isEmpty();

        ledger.stop();
        this.ledger = null;

        assertThat(first).isCompletedWithValue(new SpendOutcome.Settled("r1", Money.of("0.5")));
        assertThat(other).isCompletedWithValue(new SpendOutcome.Settled("r2", Money.of("0.5")));
        assertThat(batches).hasSize(2);
    }

    @Test
    void aSettlementAloneLeavesWhenItsLingerIsOver() throws Exception {
        SpendLedger ledger = ledger("10ms");
        assertThat(ledger.submit("t", settle("r1")).get(10, TimeUnit.SECONDS))
                .isEqualTo(new SpendOutcome.Settled("r1", Money.of("0.5")));
        assertThat(batches).hasSize(1);
    }

    @Test
    void withoutALingerASettlementLeavesAtOnce() throws Exception {
        SpendLedger ledger = ledger("0ms");
        assertThat(ledger.submit("t", settle("r1")).get(10, TimeUnit.SECONDS))
                .isInstanceOf(SpendOutcome.Settled.class);
        assertThat(batches).hasSize(1);
    }

    private static SettleSpend settle(String requestId) {
        return new SettleSpend(requestId, "m", new Usage(10, 5, 0, 0), Money.of("0.5"), "v1", "p", "d", 3, 1);
    }

    private static ReserveSpend reserve(String requestId) {
        return new ReserveSpend(requestId, "u", null, "k", "m", Money.of("0.1"), TokenPrice.perMillion("1"), 100,
                16, Duration.ofMinutes(15), Map.of());
    }

    /** Reserves r1 in a batch held in flight, submits r0's settlement meanwhile, lets the batch commit. */
    private CompletableFuture<SpendOutcome> settleWhileTheFirstBatchIsInFlight(SpendLedger ledger) throws Exception {
        holdFirstBatch = true;
        CompletableFuture<SpendOutcome> first = ledger.submit("t", reserve("r1"));
        assertThat(firstBatchInFlight.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<SpendOutcome> settled = ledger.submit("t", settle("r0"));
        firstBatchMayCommit.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isInstanceOf(SpendOutcome.Reserved.class);
        return settled;
    }
}
