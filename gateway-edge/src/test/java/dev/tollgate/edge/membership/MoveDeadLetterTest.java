package dev.tollgate.edge.membership;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.api.move.AdmitMovedUser;
import dev.tollgate.api.move.MoveKey;
import dev.tollgate.edge.deadletter.DeadLetters;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.common.Registration;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A step of a move that fails otherwise than by the new team's refusal no longer strands it. A transient failure (the
 * database unreachable for a moment, another node appending to the aggregate first) is tried again until it passes,
 * and the move completes by itself; any other failure parks the move in the dead-letter queue of {@code member-moves}
 * while other moves go on, and the admin's retry completes it once the cause is gone. Before, Axon's default error
 * handler logged the failure and passed the event: the move stayed under way for ever (the member could never be
 * moved again), or their keys stayed in the old team.
 */
class MoveDeadLetterTest extends GatewayTestSupport {

    static final String GROUP = MoveProcess.PROCESSING_GROUP;

    @Autowired
    CommandBus commandBus;
    @Autowired
    DeadLetters deadLetters;
    @Autowired
    MoveProcess moves;

    private final List<Registration> failures = new ArrayList<>();

    @AfterEach
    void nothingLeftParked() {
        failures.forEach(Registration::cancel);
        // the application is shared with other tests, which expect no dead letter
        if (deadLetters.counts().containsKey(GROUP) && deadLetters.retry(GROUP).remaining() > 0) {
            deadLetters.discard(GROUP);
        }
    }

    @Test
    void aMoveWhoseAdmissionFailsOnceAsWhenTheDatabaseIsUnreachableCompletesByItself() {
        aMoveWhoseStepFailsOnceCompletesByItself(AdmitMovedUser.class, () -> new CannotGetJdbcConnectionException(
                "Failed to obtain JDBC Connection", new SQLTransientConnectionException(
                "HikariPool-1 - Connection is not available, request timed out after 1000ms.")));
    }

    @Test
    void aMoveWhoseKeyLosesARaceOnceCompletesByItself() {
        aMoveWhoseStepFailsOnceCompletesByItself(MoveKey.class, () -> new ConcurrencyException(
                "An event for aggregate [key] at sequence [3] was already inserted"));
    }

    private void aMoveWhoseStepFailsOnceCompletesByItself(Class<?> step, Supplier<RuntimeException> failure) {
        Member member = aMemberWithAKey(newTeam(null, "1", "clamp"));
        String to = newTeam(null, "1", "clamp");
        AtomicInteger attempts = new AtomicInteger();
        failWhile(command -> step.isInstance(command) && toTeam(command).equals(to)
                && attempts.getAndIncrement() == 0, failure);

        // the answer waits (at most the read model's 10 s) until the member is in the new team and their keys followed
        Http.Response moved = http().post("/admin/users/" + member.userId() + "/move", MASTER_KEY,
                Map.of("to_team", to, "reason", "changed course"));

        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.json().path("team_id").asText()).isEqualTo(to);
        assertThat(attempts.get()).as("the failed step tried again").isEqualTo(2);
        assertThat(revoked(member.keyId())).as("an admin issued their key: the move revoked it").isTrue();
        awaitMovedOut(member.userId());
        assertThat(deadLetters.counts()).as("a transient failure is not parked").doesNotContainKey(GROUP);
    }

    @Test
    void aMoveWhoseKeysAlwaysFailIsParkedWhileOtherMovesCompleteAndTheAdminRetryCompletesIt() {
        String from = newTeam(null, "1", "clamp");
        String to = newTeam(null, "1", "clamp");
        Member member = aMemberWithAKey(from);
        Registration poison = failWhile(command -> command instanceof MoveKey key && key.toTeamId().equals(to),
                () -> new IllegalStateException("a bug in moving a key to team " + to));

        moves.start(member.userId(), from, to, null, "admin", "changed course");

        List<DeadLetters.Sequence> parked = await().atMost(Duration.ofSeconds(10))
                .until(this::parkedSequences, sequences -> !sequences.isEmpty());
        assertThat(parked).as("one move parked").singleElement().satisfies(sequence -> {
            DeadLetters.Letter letter = sequence.events().get(0);
            assertThat(letter.eventType()).isEqualTo("UserMovedIn");
            assertThat(letter.aggregateId()).as("a sequence is a team: the new one").isEqualTo(to);
            assertThat(letter.causeType()).isEqualTo(IllegalStateException.class.getName());
        });
        assertThat(revoked(member.keyId())).as("its keys have not followed").isFalse();

        // another member's move between two other teams is not held back
        Member other = aMemberWithAKey(newTeam(null, "1", "clamp"));
        String otherTo = newTeam(null, "1", "clamp");
        Http.Response moved = http().post("/admin/users/" + other.userId() + "/move", MASTER_KEY,
                Map.of("to_team", otherTo, "reason", "changed course"));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(revoked(other.keyId())).isTrue();

        poison.cancel();
        Http.Response retried = http().post("/admin/dead-letters/" + GROUP + "/retry", MASTER_KEY, Map.of());

        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().path("sequences_processed").asInt()).isEqualTo(1);
        assertThat(retried.json().path("remaining").asLong()).isZero();
        assertThat(deadLetters.counts()).doesNotContainKey(GROUP);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(http().get("/admin/users/" + member.userId(), MASTER_KEY).json().path("team_id").asText())
                    .isEqualTo(to);
            assertThat(revoked(member.keyId())).as("their keys followed").isTrue();
        });
        awaitMovedOut(member.userId());
    }

    /** A member of {@code team} with a key an admin issued them (which their move revokes). */
    private record Member(String userId, String keyId) {
    }

    private Member aMemberWithAKey(String team) {
        String user = newUser(team, null);
        JsonNode key = issue(Map.of("name", "key of " + user, "user_id", user, "allowed_models", List.of()));
        return new Member(user, key.path("id").asText());
    }

    /** Fails every command {@code failing} matches, until the registration is cancelled (after the test at last). */
    private Registration failWhile(Predicate<Object> failing, Supplier<RuntimeException> failure) {
        Registration registration = commandBus.registerDispatchInterceptor(messages -> (index, message) -> {
            if (failing.test(message.getPayload())) {
                throw failure.get();
            }
            return message;
        });
        failures.add(registration);
        return registration;
    }

    private static String toTeam(Object step) {
        return step instanceof AdmitMovedUser admit ? admit.teamId() : ((MoveKey) step).toTeamId();
    }

    private boolean revoked(String keyId) {
        return http().get("/admin/keys/" + keyId, MASTER_KEY).json().hasNonNull("revoked_at");
    }

    /** The old team closed their account: the last step of the move. */
    private void awaitMovedOut(String user) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(http().get("/audit?entity=user:" + user,
                MASTER_KEY).json().path("data").findValuesAsText("action")).contains("user.moved_out"));
    }

    private List<DeadLetters.Sequence> parkedSequences() {
        return deadLetters.list().stream().filter(sequence -> sequence.processingGroup().equals(GROUP)).toList();
    }
}
