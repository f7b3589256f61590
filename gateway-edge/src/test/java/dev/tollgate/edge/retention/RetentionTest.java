package dev.tollgate.edge.retention;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;
import static dev.tollgate.readmodel.Tables.SPEND_DAILY_TAG;
import static dev.tollgate.readmodel.Tables.SPEND_DAILY_TEAM;
import static dev.tollgate.readmodel.Tables.SPEND_DAILY_USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * tollgate.retention.message-detail-months: per-message detail older than N months goes into the daily team rollups,
 * amounts kept, people and tags gone. The ledger's clock is set two years back while a team spends, so that its
 * detail (and only its) is old when the retention runs, told the time by a clock.
 */
class RetentionTest extends GatewayTestSupport {

    @Autowired
    MessageDetailRetention retention;

    @Test
    void detailOlderThanTheRetentionIsDroppedIntoTheTeamRollupsWithEveryAmountKept() {
        Clock real = GenericEventMessage.clock;
        String team;
        String user;
        List<String> requests = new ArrayList<>();
        BigDecimal spent = BigDecimal.ZERO;
        try {
            GenericEventMessage.clock = Clock.offset(Clock.systemUTC(), Duration.ofDays(-730));
            team = newTeam(null, "1", "clamp");
            user = newUser(team, null);
            String key = newUserKey(user, List.of());
            for (int i = 0; i < 3; i++) {
                Http.Response answer = chat(key, "gpt-cheap", Map.of("metadata", Map.of("tags", "course:old")));
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                requests.add(answer.header("x-request-id"));
            }
            for (String request : requests) {
                spent = spent.add(new BigDecimal(messageCost(request).path("cost").asText()));
            }
        } finally {
            GenericEventMessage.clock = real;
        }
        assertThat(spent).isPositive();
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(730);
        String teamId = team;
        String userId = user;
        BigDecimal expected = spent;
        await().untilAsserted(() -> assertThat(dsl.select(SPEND_DAILY_TEAM.COST.sum()).from(SPEND_DAILY_TEAM)
                .where(SPEND_DAILY_TEAM.TEAM_ID.eq(teamId)).fetchOne(0, BigDecimal.class))
                .isEqualByComparingTo(expected));
        assertThat(dsl.fetchCount(SPEND_DAILY_USER, SPEND_DAILY_USER.USER_ID.eq(user))).isPositive();
        await().until(() -> dsl.fetchCount(SPEND_DAILY_TAG, SPEND_DAILY_TAG.TEAM_ID.eq(teamId)) > 0);
        String report = http().get("/reports/spend?group_by=team&from=" + day.minusDays(1) + "&to=" + day.plusDays(2)
                + "&team_id=" + team, MASTER_KEY).json().path("totals").toString();

        MessageDetailRetention.Dropped dropped = retention.sweep(Clock.systemUTC(), 12);

        assertThat(dropped.before()).isEqualTo(LocalDate.now(ZoneOffset.UTC).minusMonths(12)
                .atStartOfDay(ZoneOffset.UTC).toInstant());
        assertThat(dropped.messages()).isGreaterThanOrEqualTo(3);
        assertThat(dsl.fetchCount(MESSAGE_COSTS, MESSAGE_COSTS.TEAM_ID.eq(team))).as("no message of theirs").isZero();
        assertThat(dsl.fetchCount(SPEND_DAILY_USER, SPEND_DAILY_USER.USER_ID.eq(user))).as("no person").isZero();
        assertThat(dsl.fetchCount(SPEND_DAILY_TAG, SPEND_DAILY_TAG.TEAM_ID.eq(team))).as("no tag").isZero();
        assertThat(dsl.select(SPEND_DAILY_TEAM.COST.sum()).from(SPEND_DAILY_TEAM)
                .where(SPEND_DAILY_TEAM.TEAM_ID.eq(team)).fetchOne(0, BigDecimal.class))
                .as("every amount kept").isEqualByComparingTo(spent);
        assertThat(http().get("/reports/spend?group_by=team&from=" + day.minusDays(1) + "&to=" + day.plusDays(2)
                + "&team_id=" + team, MASTER_KEY).json().path("totals").toString())
                .as("the team's report is the same").isEqualTo(report);
        assertThat(http().get("/spend/messages?user_id=" + user, MASTER_KEY).json().path("data").size()).isZero();
        assertThat(retention.sweep(Clock.systemUTC(), 12).messages()).as("a second sweep drops nothing more")
                .isZero();
        var reconciliation = http().get("/reports/reconciliation?from=2000-01-01", MASTER_KEY).json();
        assertThat(reconciliation.path("matches").asBoolean()).as(reconciliation.toString()).isTrue();
        assertThat(reconciliation.path("from").asText()).as("over the period whose detail is kept")
                .startsWith(dropped.before().toString().substring(0, 10));
    }
}
