package dev.tollgate.edge.sso;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.api.move.MoveKey;
import dev.tollgate.api.team.KeyBudgetSet;
import dev.tollgate.api.team.SetKeyBudget;
import dev.tollgate.edge.membership.MoveProcess;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.KeyView;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.common.Registration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A key its owner made follows them to their new team. A manager of the team they left decides nothing about it from
 * then on, even when the edge read the key's team just before the move: the key itself compares its team with the
 * team the manager was allowed to act for. Here the owner moves exactly between the edge's read of the key directory
 * (which still shows the old team) and the command reaching the key, the widest such window there is.
 */
class MovedKeyOldManagerTest extends GatewayTestSupport {

    @Autowired
    CommandBus commandBus;
    @Autowired
    MoveProcess moves;
    @Autowired
    DirectoryQueries directory;
    @Autowired
    EventStore events;

    @Test
    void aManagerOfTheOldTeamCannotRotateAKeyThatMovedAfterTheDirectoryWasRead() {
        Moved moved = moveDuringTheFirstCommandOnTheKey(scenario -> http().post("/admin/keys/" + scenario.keyId
                + "/rotate", scenario.managerOfOld.secret(), Map.of("reason", "mine now")));
        assertThat(moved.answer.body()).as("no secret handed out").doesNotContain("\"key\"");
        moved.assertUntouched();
    }

    @Test
    void aManagerOfTheOldTeamCannotRevokeAKeyThatMovedAfterTheDirectoryWasRead() {
        moveDuringTheFirstCommandOnTheKey(scenario -> http().delete("/admin/keys/" + scenario.keyId + "?reason=mine",
                scenario.managerOfOld.secret())).assertUntouched();
    }

    @Test
    void aManagerOfTheOldTeamCannotBudgetAKeyThatMovedAfterTheDirectoryWasRead() {
        moveDuringTheFirstCommandOnTheKey(scenario -> http().put("/admin/keys/" + scenario.keyId + "/budget",
                scenario.managerOfOld.secret(), Map.of("limit", "1", "period", "monthly", "reason", "mine now")))
                .assertUntouched();
    }

    @Test
    void aBudgetThatReachesTheOldTeamAsTheKeyLeavesIsTakenBack() {
        // the key still confirms the old team; the owner moves before the budget reaches that team
        Moved moved = moveDuring(command -> command instanceof SetKeyBudget set && set.budget() != null,
                scenario -> http().put("/admin/keys/" + scenario.keyId + "/budget", scenario.managerOfOld.secret(),
                        Map.of("limit", "0.000000001", "period", "monthly", "reason", "mine now")));
        assertThat(moved.answer.status()).as(moved.answer.body()).isEqualTo(403);
        assertThat(moved.answer.json().path("error").path("code").asText()).isEqualTo("permission_denied");
        List<KeyBudgetSet> oldTeams = keyBudgetsSet(moved.scenario.from, moved.scenario.keyId);
        assertThat(oldTeams).as("recorded, then taken back").hasSize(2);
        assertThat(oldTeams.get(0).budget()).isNotNull();
        assertThat(oldTeams.get(1).budget()).isNull();
        Http.Response chat = chat(moved.scenario.secret, "gpt-cheap", Map.of());
        assertThat(chat.status()).as("not held by the old team's budget: " + chat.body()).isEqualTo(200);
        assertThat(messageCost(chat.header("x-request-id")).path("team_id").asText()).isEqualTo(moved.scenario.to);
        assertThat(directory.key(moved.scenario.keyId)).map(KeyView::budget).isEmpty();
    }

    @Test
    void aKeysOwnBudgetStaysWithTheTeamThatSetIt() {
        Scenario scenario = portalKeyInANewTeam();
        Http.Response budgeted = http().put("/admin/keys/" + scenario.keyId + "/budget", scenario.managerOfOld.secret(),
                Map.of("limit", "0.000000001", "period", "monthly", "reason", "one nano-unit a month"));
        assertThat(budgeted.status()).as(budgeted.body()).isEqualTo(200);
        assertThat(chat(scenario.secret, "gpt-cheap", Map.of()).status()).as("held by its budget").isEqualTo(429);

        moves.start(scenario.user, scenario.from, scenario.to, null, "admin", "changed course");
        await().atMost(Duration.ofSeconds(10)).until(() -> keyBudgetsSet(scenario.from, scenario.keyId).size() == 2);

        KeyBudgetSet removed = keyBudgetsSet(scenario.from, scenario.keyId).get(1);
        assertThat(removed.budget()).as("the team they left keeps none for the key").isNull();
        assertThat(removed.reason()).contains("moved to team '" + scenario.to + "'");
        Http.Response shown = http().get("/admin/keys/" + scenario.keyId, MASTER_KEY);
        assertThat(shown.json().path("team_id").asText()).isEqualTo(scenario.to);
        assertThat(shown.json().path("budget").path("limit").isMissingNode()).as(shown.body()).isTrue();
        Http.Response chat = chat(scenario.secret, "gpt-cheap", Map.of());
        assertThat(chat.status()).as("no budget of its own in the new team: " + chat.body()).isEqualTo(200);

        Credential managerOfNew = newCredential("manager", List.of(scenario.to), null);
        Http.Response rebudgeted = http().put("/admin/keys/" + scenario.keyId + "/budget", managerOfNew.secret(),
                Map.of("limit", "3", "period", "monthly", "reason", "the new team's policy"));
        assertThat(rebudgeted.status()).as(rebudgeted.body()).isEqualTo(200);
        assertThat(rebudgeted.json().path("budget").path("limit").asText()).isEqualTo("3");
    }

    private record Scenario(String from, String to, String user, String keyId, String secret,
                            Credential managerOfOld) {
    }

    private final class Moved {
        final Scenario scenario;
        final Http.Response answer;

        Moved(Scenario scenario, Http.Response answer) {
            this.scenario = scenario;
            this.answer = answer;
        }

        /** Still its owner's working key, with its secret, charging their new team; nothing recorded by the manager. */
        void assertUntouched() {
            assertThat(answer.status()).as(answer.body()).isEqualTo(403);
            assertThat(answer.json().path("error").path("code").asText()).isEqualTo("permission_denied");
            Http.Response chat = chat(scenario.secret, "gpt-cheap", Map.of());
            assertThat(chat.status()).as("neither rotated nor revoked: " + chat.body()).isEqualTo(200);
            assertThat(messageCost(chat.header("x-request-id")).path("team_id").asText()).isEqualTo(scenario.to);
            assertThat(payloadTypes(scenario.keyId)).as("the key's own record")
                    .containsExactly("KeyIssued", "KeyMoved");
            assertThat(payloadTypes(scenario.from)).as("the old team's record").doesNotContain("KeyBudgetSet");
        }
    }

    /**
     * A member makes a key in the portal; the first command the edge sends about that key (after it
     * read the key's team, the old one, from the directory and checked the manager against it) waits until the member
     * and their key moved to another team.
     */
    private Moved moveDuringTheFirstCommandOnTheKey(Function<Scenario, Http.Response> request) {
        return moveDuring(command -> !(command instanceof MoveKey), request);
    }

    /** A member of a new team with a key they made in the portal, and a manager of that team. */
    private Scenario portalKeyInANewTeam() {
        String from = newTeam("100", "5", "clamp");
        String to = newTeam("100", "5", "clamp");
        String user = unique("stu");
        SignedInBrowserless portal = SignedInBrowserless.signIn(baseUrl(), "portal", user,
                List.of(from + "-students"));
        JsonNode made = portal.makeKey("laptop");
        return new Scenario(from, to, user, made.path("id").asText(), made.path("key").asText(),
                newCredential("manager", List.of(from), null));
    }

    /** As {@link #moveDuringTheFirstCommandOnTheKey}, at the first command about the key that {@code when} takes. */
    private Moved moveDuring(Predicate<Object> when, Function<Scenario, Http.Response> request) {
        Scenario scenario = portalKeyInANewTeam();
        AtomicBoolean movedMeanwhile = new AtomicBoolean();
        Registration moveFirst = commandBus.registerDispatchInterceptor(messages -> (index, message) -> {
            Object command = message.getPayload();
            if (when.test(command) && scenario.keyId.equals(keyIdOf(command))
                    && movedMeanwhile.compareAndSet(false, true)) {
                assertThat(directory.key(scenario.keyId)).map(KeyView::teamId).as("what the edge read")
                        .contains(scenario.from);
                moves.start(scenario.user, scenario.from, scenario.to, null, "admin", "changed course");
                await().atMost(Duration.ofSeconds(10)).until(() -> directory.key(scenario.keyId)
                        .map(KeyView::teamId).filter(scenario.to::equals).isPresent());
            }
            return message;
        });
        Http.Response answer;
        try {
            answer = request.apply(scenario);
        } finally {
            moveFirst.cancel();
        }
        assertThat(movedMeanwhile).as("the edge sent a command about the key").isTrue();
        return new Moved(scenario, answer);
    }

    /** The key a command names in its {@code keyId}, whatever the command; {@code null}: none. */
    private static String keyIdOf(Object command) {
        if (!command.getClass().isRecord()) {
            return null;
        }
        for (RecordComponent component : command.getClass().getRecordComponents()) {
            if (component.getName().equals("keyId")) {
                try {
                    return (String) component.getAccessor().invoke(command);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return null;
    }

    private List<KeyBudgetSet> keyBudgetsSet(String teamId, String keyId) {
        return events.readEvents(teamId, 0).asStream().map(DomainEventMessage::getPayload)
                .filter(KeyBudgetSet.class::isInstance).map(KeyBudgetSet.class::cast)
                .filter(set -> set.keyId().equals(keyId)).toList();
    }

    private List<String> payloadTypes(String aggregateId) {
        return events.readEvents(aggregateId, 0).asStream().map(DomainEventMessage::getPayloadType)
                .map(Class::getSimpleName).toList();
    }
}
