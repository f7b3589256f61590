package dev.tollgate.projection.rollup;

import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.SpendOverran;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;
import dev.tollgate.projection.ReadModelDatabase;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Daily rollups: a settlement's excess over its reservation is summed apart, as part of the day's cost. */
class SpendRollupProjectionTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final Map<String, String> TAGS = Map.of("course", "cs101");

    DSLContext dsl = ReadModelDatabase.dsl();
    SpendRollupProjection projection = new SpendRollupProjection(dsl);

    @BeforeEach
    void clean() {
        dsl.execute("TRUNCATE spend_daily_team, spend_daily_user, spend_daily_tag");
    }

    static SpendSettled settled(String requestId, String cost) {
        return new SpendSettled(requestId, "cs", "alice", "k1", "gpt-4o-mini", "openai", "eu",
                new Usage(100, 50, 0, 0), Money.of("0.003"), Money.of(cost), "v1", 10, T0, T0.plusSeconds(1), null,
                null, null, TAGS);
    }

    static SpendOverran overran(String requestId, String cost) {
        Money excess = Money.of(cost).minus(Money.of("0.003"));
        return new SpendOverran(requestId, "cs", "alice", "k1", "gpt-4o-mini", "openai", "eu", Money.of("0.003"),
                Money.of(cost), excess, T0, T0.plusSeconds(1), TAGS);
    }

    Record row(String table) {
        return dsl.resultQuery("SELECT requests, cost, overrun FROM " + table + " WHERE team_id = 'cs'").fetchOne();
    }

    @Test
    void anOverrunIsSummedApartOnTheRowsOfItsSettlement() {
        UnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        projection.on(settled("r1", "0.0041"));
        projection.on(overran("r1", "0.0041"));
        projection.on(settled("r2", "0.002"));
        projection.on(settled("r3", "0.0035"));
        projection.on(overran("r3", "0.0035"));
        batch.commit();

        for (String table : new String[]{"spend_daily_team", "spend_daily_user", "spend_daily_tag"}) {
            Record row = row(table);
            assertThat(row.get("requests", Long.class)).as(table).isEqualTo(3);
            assertThat(row.get("cost", BigDecimal.class)).as(table).isEqualByComparingTo("0.0096");
            assertThat(row.get("overrun", BigDecimal.class)).as(table).isEqualByComparingTo("0.0016");
        }
    }

    @Test
    void aTagWithANulFromAnEventWrittenBeforeTheEdgeRefusedThemIsSummedUnderTheReplacementCharacter() {
        projection.on(new SpendSettled("nul", "cs", "alice", "k1", "gpt-4o-mini", "openai", "eu",
                new Usage(100, 50, 0, 0), Money.of("0.003"), Money.of("0.001"), "v1", 10, T0, T0.plusSeconds(1), null,
                null, null, Map.of("course", "cs\u0000101")));

        Record tag = dsl.resultQuery("SELECT tag_value, requests FROM spend_daily_tag WHERE team_id = 'cs'").fetchOne();
        assertThat(tag.get("tag_value", String.class)).isEqualTo("cs\ufffd101");
        assertThat(tag.get("requests", Long.class)).isEqualTo(1);
    }

    @Test
    void settlementsWithinTheirReservationsLeaveNoOverrun() {
        projection.on(settled("r1", "0.001"));
        projection.on(settled("r2", "0.003"));

        assertThat(row("spend_daily_team").get("overrun", BigDecimal.class)).isEqualByComparingTo("0");
        assertThat(row("spend_daily_team").get("cost", BigDecimal.class)).isEqualByComparingTo("0.004");
    }
}
