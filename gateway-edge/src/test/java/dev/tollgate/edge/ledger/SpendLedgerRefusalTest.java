package dev.tollgate.edge.ledger;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReleaseReservation;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A batch the team refuses as a whole (a line that breaks a rule: here a settlement whose cost is negative) fails
 * only that line, over Axon's real command bus: the other requests of the batch are decided and answered, and the
 * refusal, which names its request, reaches only its own caller.
 */
class SpendLedgerRefusalTest {

    private final List<List<SpendLine>> batches = new CopyOnWriteArrayList<>();
    private SpendLedger ledger;

    @AfterEach
    void stop() {
        if (ledger != null) {
            ledger.stop();
        }
    }

    @Test
    void aLineTheTeamRefusesFailsAloneAndTheOtherLinesOfItsBatchAreDecided() throws Exception {
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        bus.subscribe(RecordSpendBatch.class.getName(), message -> {
            RecordSpendBatch batch = (RecordSpendBatch) message.getPayload();
            batches.add(batch.lines());
            for (SpendLine line : batch.lines()) {
                if (line instanceof SettleSpend settle && settle.cost().isNegative()) {
                    // as a team that refuses the whole command: nothing of the batch is stored
                    throw CommandRefused.invalid("a cost cannot be negative (request " + line.requestId() + ")");
                }
            }
            return new SpendBatchResult(batch.lines().stream().map(line -> line instanceof ReserveSpend
                    ? (SpendOutcome) new SpendOutcome.Reserved(line.requestId(), "u", Money.of("1"), 10, false)
                    : new SpendOutcome.Settled(line.requestId(), Money.of("0.5"))).toList());
        });
        ledger = ledgerOn(bus);

        // the two settlements linger and leave with the reservation: one batch of three lines
        CompletableFuture<SpendOutcome> bad = ledger.submit("t", settle("req_bad", "-0.001"));
        CompletableFuture<SpendOutcome> good = ledger.submit("t", settle("req_good", "0.5"));
        CompletableFuture<SpendOutcome> reserved = ledger.submit("t", reserve("req_other"));

        assertThat(reserved.get(10, TimeUnit.SECONDS)).isInstanceOf(SpendOutcome.Reserved.class);
        assertThat(good.get(10, TimeUnit.SECONDS)).isEqualTo(new SpendOutcome.Settled("req_good", Money.of("0.5")));
        assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CommandRefused.class).hasMessageContaining("req_bad");
        assertThat(batches.get(0)).extracting(SpendLine::requestId)
                .containsExactly("req_bad", "req_good", "req_other");
        assertThat(ledger.pendingLines()).isZero();
    }

    @Test
    void aBatchThatFailsForAnythingButARefusedLineFailsWholeAndIsNotSentAgainLineByLine() throws Exception {
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        bus.subscribe(RecordSpendBatch.class.getName(), message -> {
            batches.add(((RecordSpendBatch) message.getPayload()).lines());
            throw new IllegalStateException("a lock timeout, a bug: nothing any one line did");
        });
        // settlements (and releases) linger 200 ms: long enough for the three lines below to leave together
        ledger = ledgerOn(bus, "200ms");

        CompletableFuture<SpendOutcome> first = ledger.submit("t", settle("req_a", "0.5"));
        CompletableFuture<SpendOutcome> second = ledger.submit("t", settle("req_b", "0.5"));
        CompletableFuture<SpendOutcome> reserved = ledger.submit("t", reserve("req_c"));

        for (CompletableFuture<SpendOutcome> outcome : List.of(first, second, reserved)) {
            assertThatThrownBy(() -> outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class);
        }
        // not sent again line by line; the reservation, whose request is never forwarded, is released, in case the
        // batch's events were stored before the failure (a spend batch's are committed by their append)
        await().atMost(Duration.ofSeconds(10)).until(() -> batches.size() == 2 && ledger.pendingLines() == 0);
        assertThat(batches.get(0)).extracting(SpendLine::requestId).containsExactly("req_a", "req_b", "req_c");
        assertThat(batches.get(1)).containsExactly(new ReleaseReservation("req_c", "failed_before_forwarding"));
    }

    @Test
    void aLineTheTeamRefusesAloneIsNotReleased() throws Exception {
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        bus.subscribe(RecordSpendBatch.class.getName(), message -> {
            batches.add(((RecordSpendBatch) message.getPayload()).lines());
            throw CommandRefused.invalid("not a member of this team");
        });
        ledger = ledgerOn(bus);

        CompletableFuture<SpendOutcome> reserved = ledger.submit("t", reserve("req_refused"));

        assertThatThrownBy(() -> reserved.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CommandRefused.class);
        assertThat(ledger.pendingLines()).as("no release queued: the team stored nothing").isZero();
        assertThat(batches).hasSize(1);
    }

    /** A ledger sending its batches to {@code bus}, whose settlements linger until a reservation takes them along. */
    private static SpendLedger ledgerOn(SimpleCommandBus bus) {
        return ledgerOn(bus, "1h");
    }

    private static SpendLedger ledgerOn(SimpleCommandBus bus, String settlementLinger) {
        TollgateProperties properties = Config.tollgate("ledger.settlement-linger", settlementLinger);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        return new SpendLedger(DefaultCommandGateway.builder().commandBus(bus).build(), properties, meters,
                new DatabaseAvailability(reachableDatabase(), properties, meters));
    }

    private static SettleSpend settle(String requestId, String cost) {
        return new SettleSpend(requestId, "m", new Usage(1, 1, 0, 0), Money.of(cost), "v1", "openai", "d", 1);
    }

    private static ReserveSpend reserve(String requestId) {
        return new ReserveSpend(requestId, "u", null, "k", "m", Money.of("0.1"), TokenPrice.perMillion("1"), 10, 1,
                Duration.ofMinutes(5), Map.of());
    }

    /** A database that always answers the availability probe: this test is about refusals, not outages. */
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
}
