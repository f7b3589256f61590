package dev.tollgate.projection.messagecost;

import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.ReservationExpired;
import dev.tollgate.api.spend.ReservationReleased;
import dev.tollgate.api.spend.SpendOverran;
import dev.tollgate.api.spend.SpendRejected;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.projection.ReadModelDatabase;
import dev.tollgate.readmodel.tables.records.MessageCostsRecord;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static org.assertj.core.api.Assertions.assertThat;

class MessageCostProjectionTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final AccountBalance ANY = new AccountBalance(null, BudgetPeriod.NONE, Instant.EPOCH, null, Money.ZERO,
            Money.ZERO);

    DSLContext dsl = ReadModelDatabase.dsl();
    MessageCostProjection projection = new MessageCostProjection(dsl);

    @BeforeEach
    void clean() {
        ReadModelDatabase.truncateReadTables();
    }

    static SpendReserved reserved(String requestId) {
        return new SpendReserved(requestId, "cs", "alice", "k1", "gpt-4o-mini", Money.of("0.003"), 1000, 400, true,
                T0, T0.plusSeconds(900), Map.of("course", "cs101", "assignment", "3"), ANY, ANY, null);
    }

    static SpendSettled settled(String requestId) {
        return settled(requestId, "0.000345678");
    }

    static SpendSettled settled(String requestId, String cost) {
        return new SpendSettled(requestId, "cs", "alice", "k1", "gpt-4o-mini", "openai", "openai-eu",
                new Usage(812, 377, 128, 64), Money.of("0.003"), Money.of(cost), "v7", 1234, T0,
                T0.plusMillis(1234), ANY, ANY, null);
    }

    MessageCostsRecord row(String requestId) {
        return dsl.selectFrom(MESSAGE_COSTS).where(MESSAGE_COSTS.REQUEST_ID.eq(requestId)).fetchOne();
    }

    @Test
    void aTagWithANulFromAnEventWrittenBeforeTheEdgeRefusedThemIsStoredWithTheReplacementCharacter() {
        SpendReserved old = new SpendReserved("nul", "cs", "alice", "k1", "gpt-4o-mini", Money.of("0.003"), 1000,
                400, true, T0, T0.plusSeconds(900), Map.of("course", "cs\u0000101", "lab\u0000", "b"), ANY, ANY,
                null);

        projection.on(old);
        projection.on(settled("nul"));

        assertThat(row("nul").getOutcome()).isEqualTo("settled");
        assertThat(row("nul").getTags().data()).contains("cs\ufffd101").contains("lab\ufffd").doesNotContain("\\u0000");
    }

    @Test
    void aReplayDoesNotBringBackWhatTheRetentionDropped() {
        Instant horizon = T0.minusSeconds(86_400);
        dsl.execute("INSERT INTO retention_horizon (id, detail_dropped_before, updated_at) VALUES (1, ?::timestamptz, "
                + "now())", horizon.toString());
        try {
            SpendReserved old = new SpendReserved("old", "cs", "alice", "k1", "gpt-4o-mini", Money.of("0.003"), 1000,
                    400, true, T0.minusSeconds(400L * 86_400), T0.minusSeconds(400L * 86_400 - 900),
                    Map.of("course", "cs101"), ANY, ANY, null);
            projection.on(old);
            projection.on(reserved("r1"));
            projection.on(new SpendSettled("old", "cs", "alice", "k1", "gpt-4o-mini", "openai", "openai-eu",
                    new Usage(812, 377, 0, 0), Money.of("0.003"), Money.of("0.001"), "v7", 10,
                    old.at(), old.at().plusSeconds(1), ANY, ANY, null));
            assertThat(row("old")).as("detail before the horizon is not written again").isNull();
            assertThat(row("r1").getOutcome()).as("after it, as ever").isEqualTo("reserved");
        } finally {
            dsl.execute("DELETE FROM retention_horizon");
        }
    }

    @Test
    void aSettledRequestHasItsTokensCostPriceVersionAndLatency() {
        projection.on(reserved("r1"));
        assertThat(row("r1").getOutcome()).isEqualTo("reserved");
        projection.on(settled("r1"));

        MessageCostsRecord row = row("r1");
        assertThat(row.getOutcome()).isEqualTo("settled");
        assertThat(row.getCost()).isEqualByComparingTo("0.000345678");
        assertThat(row.getReserved()).isEqualByComparingTo("0.003");
        assertThat(row.getPromptTokens()).isEqualTo(812);
        assertThat(row.getCompletionTokens()).isEqualTo(377);
        assertThat(row.getCachedTokens()).isEqualTo(128);
        assertThat(row.getReasoningTokens()).isEqualTo(64);
        assertThat(row.getPriceVersion()).isEqualTo("v7");
        assertThat(row.getLatencyMs()).isEqualTo(1234);
        assertThat(row.getDeployment()).isEqualTo("openai-eu");
        assertThat(row.getGrantedMaxTokens()).isEqualTo(400);
        assertThat(row.getClamped()).isTrue();
        assertThat(row.getStartedAt()).isEqualTo(T0);
        assertThat(row.getTags().data()).isEqualTo("{\"course\": \"cs101\", \"assignment\": \"3\"}");
    }

    @Test
    void aSettlementAboveItsReservationShowsItsOverrunBesideItsCost() {
        projection.on(reserved("r1"));
        projection.on(settled("r1", "0.0041"));
        projection.on(new SpendOverran("r1", "cs", "alice", "k1", "gpt-4o-mini", "openai", "openai-eu",
                Money.of("0.003"), Money.of("0.0041"), Money.of("0.0011"), T0, T0.plusMillis(1234), Map.of()));

        MessageCostsRecord row = row("r1");
        assertThat(row.getCost()).isEqualByComparingTo("0.0041");
        assertThat(row.getOverrun()).isEqualByComparingTo("0.0011");
        assertThat(row("r1").getOutcome()).isEqualTo("settled");
    }

    @Test
    void aRequestInOneBatchWithItsOverrunBecomesOneRowWithTheOverrun() {
        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        projection.on(reserved("r1"));
        projection.on(settled("r1", "0.0041"));
        projection.on(new SpendOverran("r1", "cs", "alice", "k1", "gpt-4o-mini", "openai", "openai-eu",
                Money.of("0.003"), Money.of("0.0041"), Money.of("0.0011"), T0, T0.plusMillis(1234), Map.of()));
        batch.commit();

        assertThat(row("r1").getOverrun()).isEqualByComparingTo("0.0011");
        assertThat(row("r1").getCost()).isEqualByComparingTo("0.0041");
    }

    @Test
    void aSettlementWithinItsReservationHasNoOverrun() {
        projection.on(reserved("r1"));
        projection.on(settled("r1"));

        assertThat(row("r1").getOverrun()).isEqualByComparingTo("0");
    }

    @Test
    void theOpenAndCloseOfARequestInOneBatchBecomeOneRow() {
        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        projection.on(reserved("r1"));
        projection.on(settled("r1"));
        projection.on(reserved("r2"));
        projection.on(new ReservationReleased("r2", "cs", "alice", "k1", Money.of("0.003"), "upstream_error", T0,
                ANY, ANY, null));
        assertThat(dsl.fetchCount(MESSAGE_COSTS)).isZero();
        batch.commit();

        assertThat(row("r1").getOutcome()).isEqualTo("settled");
        assertThat(row("r1").getCost()).isEqualByComparingTo("0.000345678");
        assertThat(row("r1").getModel()).isEqualTo("gpt-4o-mini");
        assertThat(row("r2").getOutcome()).isEqualTo("released");
        assertThat(row("r2").getReason()).isEqualTo("upstream_error");
        assertThat(row("r2").getCost()).isEqualByComparingTo("0");
    }

    @Test
    void handlingAnEventAgainChangesNothing() {
        projection.on(reserved("r1"));
        projection.on(settled("r1"));
        projection.on(reserved("r1"));
        projection.on(settled("r1"));
        assertThat(dsl.fetchCount(MESSAGE_COSTS)).isEqualTo(1);
        assertThat(row("r1").getOutcome()).isEqualTo("settled");
    }

    @Test
    void aRejectionIsARowWithoutCost() {
        projection.on(new SpendRejected("r9", "cs", "alice", "k1", "gpt-4o-mini", "user", Money.of("0.01"),
                Money.of("0.001"), Instant.parse("2026-04-01T00:00:00Z"), T0, Map.of()));
        MessageCostsRecord row = row("r9");
        assertThat(row.getOutcome()).isEqualTo("rejected");
        assertThat(row.getReason()).isEqualTo("user budget exhausted");
        assertThat(row.getCost()).isEqualByComparingTo("0");
    }

    @Test
    void anExpiredReservationIsChargedAtItsEstimateAndFlagged() {
        projection.on(reserved("r1"));
        projection.on(new ReservationExpired("r1", "cs", "alice", "k1", Money.of("0.003"), true, T0,
                T0.plusSeconds(900), T0.plusSeconds(960), ANY, ANY, null));
        MessageCostsRecord row = row("r1");
        assertThat(row.getOutcome()).isEqualTo("expired");
        assertThat(row.getCost()).isEqualByComparingTo("0.003");
        assertThat(row.getFlagged()).isTrue();
    }
}
