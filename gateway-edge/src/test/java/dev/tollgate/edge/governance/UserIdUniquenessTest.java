package dev.tollgate.edge.governance;

import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.TokenPrice;
import dev.tollgate.api.spend.RecordSpendBatch;
import dev.tollgate.api.spend.ReleaseReservation;
import dev.tollgate.api.spend.ReserveSpend;
import dev.tollgate.api.spend.SpendBatchResult;
import dev.tollgate.api.spend.SpendOutcome;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A user id names one person in one team, decided on the command side (docs/adr/0011), not against the directory,
 * which lags: two registrations racing, a roster racing an admin, a move under way and done, a removal and an
 * erasure, a team key's user.
 */
class UserIdUniquenessTest extends GatewayTestSupport {

    @Autowired
    CommandGateway commands;

    @Test
    void twoTeamsRegisteringOneIdAtOnceAdmitItInOneOnly() throws Exception {
        for (int round = 0; round < 3; round++) {
            String a = newTeam(null, "1", "clamp");
            String b = newTeam(null, "1", "clamp");
            String id = unique("user");
            List<Http.Response> answers = atOnce(
                    () -> http().post("/admin/users", MASTER_KEY, Map.of("id", id, "team_id", a, "name", "A")),
                    () -> http().post("/admin/users", MASTER_KEY, Map.of("id", id, "team_id", b, "name", "B")));

            assertThat(answers).extracting(Http.Response::status).as(answers.get(0).body() + " / "
                    + answers.get(1).body()).containsExactlyInAnyOrder(201, 409);
            Http.Response refused = answers.stream().filter(r -> r.status() == 409).findFirst().orElseThrow();
            assertThat(refused.json().path("error").path("code").asText()).isEqualTo("conflict");
            assertThat(refused.json().path("error").path("message").asText())
                    .contains("User '" + id + "' already exists", "user ids are unique across teams");
            assertThat(teamsRegistering(id)).as("UserRegistered stored for one team only").hasSize(1);
            String winner = answers.get(0).status() == 201 ? a : b;
            assertThat(teamsRegistering(id)).containsExactly(winner);
            assertThat(http().get("/admin/users/" + id, MASTER_KEY).json().path("team_id").asText())
                    .isEqualTo(winner);
            String loser = winner.equals(a) ? b : a;
            Http.Response again = register(id, loser);
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.json().path("error").path("message").asText()).as("the loser recorded nothing")
                    .contains("unique across teams");
        }
    }

    @Test
    void aRosterRacingAnAdminRegistersTheIdInOneTeamOnly() throws Exception {
        String a = newTeam(null, "1", "clamp");
        String b = newTeam(null, "1", "clamp");
        String id = unique("stu");
        List<Http.Response> answers = atOnce(
                () -> roster(a, "id,name\n" + id + ",Roster\n"),
                () -> http().post("/admin/users", MASTER_KEY, Map.of("id", id, "team_id", b, "name", "Admin")));

        Http.Response roster = answers.get(0);
        Http.Response admin = answers.get(1);
        assertThat(roster.status()).as(roster.body()).isEqualTo(200);
        String action = roster.json().path("rows").path(0).path("action").asText();
        // the roster creates them, or is refused, or (the directory already showing the admin's) moves them
        assertThat(List.of(action, String.valueOf(admin.status()))).as(roster.body() + " / " + admin.body())
                .isIn(List.of("created", "409"), List.of("refused", "201"), List.of("moved", "201"));
        assertThat(teamsRegistering(id)).containsExactly(action.equals("created") ? a : b);
    }

    @Test
    void aMovedMembersIdGoesWithThemWhileTheMoveClosesAndAfter() {
        String from = newTeam(null, "1", "clamp");
        String to = newTeam(null, "1", "clamp");
        String third = newTeam(null, "1", "clamp");
        String user = newUser(from, null);
        // a request of theirs in flight in the old team: the move waits for it to end there
        String inFlight = unique("req");
        SpendBatchResult reserved = commands.sendAndWait(new RecordSpendBatch(from, List.of(new ReserveSpend(
                inFlight, user, null, null, "gpt-cheap", Money.of("0.001"), TokenPrice.perMillion("1"), 10, 1,
                Duration.ofMinutes(15), Map.of()))));
        assertThat(reserved.outcomes().get(0)).isInstanceOf(SpendOutcome.Reserved.class);

        Http.Response moved = http().post("/admin/users/" + user + "/move", MASTER_KEY, Map.of("to_team", to,
                "reason", "changed course"));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.json().path("team_id").asText()).isEqualTo(to);
        // the audit trail is a projection: it shows the move once it has caught up
        await().untilAsserted(() -> assertThat(audit(user)).contains("user.moved_in"));
        assertThat(audit(user)).doesNotContain("user.moved_out");

        // under way: the id is the new team's; the old team still holds their request
        assertThat(register(user, third).status()).as("another team").isEqualTo(409);
        assertThat(register(user, to).status()).as("the new team has them").isEqualTo(409);
        assertThat(register(user, from).status()).as("the old team is closing them").isEqualTo(409);

        commands.sendAndWait(new RecordSpendBatch(from, List.of(new ReleaseReservation(inFlight, "test"))));
        await().untilAsserted(() -> assertThat(audit(user)).contains("user.moved_out"));

        Http.Response backInOld = register(user, from);
        assertThat(backInOld.status()).as("the old team let them go: " + backInOld.body()).isEqualTo(409);
        assertThat(backInOld.json().path("error").path("message").asText()).contains("team '" + to + "'");
        assertThat(register(user, third).status()).isEqualTo(409);

        Http.Response movedBack = http().post("/admin/users/" + user + "/move", MASTER_KEY, Map.of("to_team", from,
                "reason", "changed back"));
        assertThat(movedBack.status()).as(movedBack.body()).isEqualTo(200);
        assertThat(movedBack.json().path("team_id").asText()).isEqualTo(from);
        await().untilAsserted(() -> assertThat(audit(user)).filteredOn("user.moved_out"::equals).hasSize(2));
        assertThat(register(user, to).status()).as("the id went back with them").isEqualTo(409);
        assertThat(teamsRegistering(user)).containsExactly(from);
    }

    @Test
    void aRemovedOrErasedMembersIdStaysTheirTeamsAndReadmitsThemThere() {
        String team = newTeam(null, "1", "clamp");
        String other = newTeam(null, "1", "clamp");
        String user = newUser(team, null);
        Http.Response erased = http().post("/admin/users/" + user + "/erase", MASTER_KEY, Map.of("reason", "asked"));
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(register(user, other).status()).as("an erased member's id").isEqualTo(409);

        assertThat(http().delete("/admin/users/" + user + "?reason=left", MASTER_KEY).status()).isEqualTo(200);
        Http.Response elsewhere = register(user, other);
        assertThat(elsewhere.status()).as("a removed member's id, in another team").isEqualTo(409);
        assertThat(elsewhere.json().path("error").path("message").asText()).contains("(team '" + team + "')");

        Http.Response readmitted = register(user, team);
        assertThat(readmitted.status()).as(readmitted.body()).isEqualTo(201);
        assertThat(readmitted.json().path("removed_at").isNull()).isTrue();
        assertThat(teamsRegistering(user)).containsExactly(team);
    }

    @Test
    void aTeamKeysUserWhoseIdAnotherTeamHoldsIsRefusedAndOthersAreServed() {
        String team = newTeam(null, "1", "clamp");
        String squatter = newTeam(null, "1", "clamp");
        String teamKey = newTeamKey(team);
        // ids may hold ':', so an admin can register what a team key's user would be registered as
        assertThat(register(team + ":bob", squatter).status()).isEqualTo(201);

        Http.Response refused = chat(teamKey, "gpt-cheap", Map.of("user", "bob"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().path("error").path("code").asText()).isEqualTo("permission_denied");
        assertThat(refused.json().path("error").path("message").asText()).contains("unique across teams")
                .doesNotContain(squatter);
        assertThat(chat(teamKey, "gpt-cheap", Map.of("user", "bob")).status()).as("nor the next time")
                .isEqualTo(403);
        assertThat(teamsRegistering(team + ":bob")).containsExactly(squatter);

        Http.Response carol = chat(teamKey, "gpt-cheap", Map.of("user", "carol"));
        assertThat(carol.status()).as(carol.body()).isEqualTo(200);
        assertThat(teamsRegistering(team + ":carol")).containsExactly(team);
    }

    @Test
    void aMoveOfAnIdAnotherTeamHeldBeforeTheClaimsExistedGoesAhead() {
        String from = newTeam(null, "1", "clamp");
        String to = newTeam(null, "1", "clamp");
        String holder = newTeam(null, "1", "clamp");
        String user = newUser(from, null);
        // as V13 leaves an id that was registered in two teams before it: the other team holds the claim
        dsl.execute("UPDATE user_id_claims SET team_id = ? WHERE user_id = ?", holder, user);

        Http.Response moved = http().post("/admin/users/" + user + "/move", MASTER_KEY, Map.of("to_team", to,
                "reason", "changed course"));

        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(dsl.fetchValue("SELECT team_id FROM user_id_claims WHERE user_id = ?", user)).isEqualTo(to);
        assertThat(register(user, holder).status()).isEqualTo(409);
        Http.Response next = http().post("/admin/users/" + newUser(from, null) + "/move", MASTER_KEY,
                Map.of("to_team", to, "reason", "the moves go on"));
        assertThat(next.status()).as(next.body()).isEqualTo(200);
    }

    private Http.Response register(String userId, String teamId) {
        return http().post("/admin/users", MASTER_KEY, Map.of("id", userId, "team_id", teamId));
    }

    /** The teams whose stream holds a UserRegistered of {@code userId}. */
    private List<String> teamsRegistering(String userId) {
        return dsl.fetch("SELECT DISTINCT aggregateidentifier FROM domainevententry WHERE payloadtype = "
                        + "'dev.tollgate.api.team.UserRegistered' AND convert_from(payload, 'UTF8')::jsonb "
                        + "->> 'userId' = ?", userId).getValues(0, String.class);
    }

    private List<String> audit(String userId) {
        return http().get("/audit?entity=user:" + userId, MASTER_KEY).json().path("data").findValuesAsText("action");
    }

    private Http.Response roster(String team, String csv) {
        return http().send(http().request("/admin/teams/" + team + "/roster?reason=autumn+term", MASTER_KEY)
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(csv)).build());
    }

    /** Sends every request at the same moment, each on its own thread; their answers in order. */
    @SafeVarargs
    private static List<Http.Response> atOnce(Supplier<Http.Response>... requests) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(requests.length);
        try {
            CountDownLatch ready = new CountDownLatch(requests.length);
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Http.Response>> answers = Arrays.stream(requests)
                    .map(request -> CompletableFuture.supplyAsync(() -> {
                        ready.countDown();
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                        return request.get();
                    }, threads)).toList();
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            return answers.stream().map(CompletableFuture::join).toList();
        } finally {
            threads.shutdownNow();
        }
    }
}
