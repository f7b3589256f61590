package dev.tollgate.edge.governance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.api.boost.CohortMember;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.boost.GrantCohortBoost;
import dev.tollgate.api.boost.RevokeCohortBoost;
import dev.tollgate.api.money.Money;
import dev.tollgate.edge.boost.CohortBoostDistributor;
import dev.tollgate.edge.deadletter.DeadLetters;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cohort boost whose distribution fails for good (here every share's command throws, as a bug would) is parked in
 * the distributor's dead-letter queue, with the later events of the same cohort boost, while every other cohort boost
 * is distributed; once the cause is gone, the admin's retry distributes it. Before, the failing event was tried again
 * for ever and every later cohort boost of the organisation waited behind it.
 */
class CohortBoostDeadLetterTest extends GatewayTestSupport {

    static final String GROUP = CohortBoostDistributor.PROCESSING_GROUP;

    @Autowired
    CommandGateway commands;
    @Autowired
    CommandBus commandBus;
    @Autowired
    DeadLetters deadLetters;

    /** The cohort boosts whose shares fail, until a test removes the cause. */
    final Set<String> poisoned = ConcurrentHashMap.newKeySet();
    Registration poison;

    @BeforeEach
    void everyShareOfAPoisonedCohortBoostFails() {
        poison = commandBus.registerDispatchInterceptor(messages -> (index, message) -> {
            if (message.getPayload() instanceof GrantBoost share && share.cohortId() != null
                    && poisoned.contains(share.cohortId())) {
                throw new IllegalStateException("a bug in the share of cohort boost " + share.cohortId());
            }
            return message;
        });
    }

    @AfterEach
    void nothingLeftParked() {
        poison.cancel();
        poisoned.clear();
        // the application is shared with other tests, which expect no dead letter
        if (deadLetters.counts().containsKey(GROUP) && deadLetters.retry(GROUP).remaining() > 0) {
            deadLetters.discard(GROUP);
        }
    }

    @Test
    void aCohortBoostWhoseDistributionAlwaysFailsIsParkedAndACohortBoostGrantedAfterItIsDistributed() {
        String team = newTeam(null, "1", "reject");
        List<String> parkedCohort = List.of(newUser(team, null), newUser(team, null));
        String parked = grantPoisoned(team, parkedCohort);

        List<String> nextCohort = List.of(newUser(team, null), newUser(team, null));
        Http.Response next = http().post("/admin/boosts", MASTER_KEY, Map.of("target", "users",
                "user_ids", nextCohort, "amount", "0.5", "ends_at", inAnHour().toString(), "reason", "exam week"));

        // the answer waits (at most the read model's 10 s) until every member has been offered their share
        assertThat(next.status()).as(next.body()).isEqualTo(201);
        assertThat(next.json().path("accounts").findValuesAsText("user_id"))
                .containsExactlyInAnyOrderElementsOf(nextCohort);
        assertThat(next.json().path("cohort").path("skipped")).isEmpty();
        DeadLetters.Letter letter = awaitParked().events().get(0);
        assertThat(letter.eventType()).isEqualTo("CohortBoostGranted");
        assertThat(letter.aggregateId()).isEqualTo(parked);
        assertThat(letter.causeType()).isEqualTo(IllegalStateException.class.getName());
        assertThat(letter.causeMessage()).isEqualTo("a bug in the share of cohort boost " + parked);
        for (String member : parkedCohort) {
            assertThat(budgetOf("users", member).path("boosts").asText()).as("not distributed").isEqualTo("0");
        }
        assertThat(http().get("/actuator/health", null).json().path("components").path("deadLetters")
                .path("status").asText()).as("a parked event shows in health").isEqualTo("DOWN");
    }

    @Test
    void aParkedCohortBoostIsDistributedToEveryMemberWhenTheAdminRetriesItOnceTheCauseIsGone() {
        Parked parked = aParkedCohortBoost();
        String boostId = parked.boostId();
        List<String> cohort = parked.cohort();

        poisoned.remove(boostId);
        Http.Response retried = http().post("/admin/dead-letters/" + GROUP + "/retry", MASTER_KEY, Map.of());

        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().path("sequences_processed").asInt()).isEqualTo(1);
        assertThat(retried.json().path("remaining").asLong()).isZero();
        assertThat(deadLetters.counts()).doesNotContainKey(GROUP);
        JsonNode boost = distributed(boostId);
        assertThat(boost.path("accounts").findValuesAsText("user_id")).containsExactlyInAnyOrderElementsOf(cohort);
        assertThat(boost.path("cohort").path("skipped")).isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cohort).allSatisfy(member ->
                assertThat(budgetOf("users", member).path("effective_limit").asText()).isEqualTo("1.5")));
    }

    @Test
    void aRevocationOfAParkedCohortBoostWaitsBehindItsGrant() {
        Parked parked = aParkedCohortBoost();
        String boostId = parked.boostId();
        List<String> cohort = parked.cohort();

        commands.sendAndWait(new RevokeCohortBoost(boostId, "master", "granted by mistake"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(parkedSequences()).singleElement()
                .satisfies(sequence -> assertThat(sequence.events()).extracting(DeadLetters.Letter::eventType)
                        .containsExactly("CohortBoostGranted", "CohortBoostRevoked")));
        poisoned.remove(boostId);
        assertThat(deadLetters.retry(GROUP).remaining()).isZero();
        // granted, then revoked: in that order, or a share granted after its revocation would stay in force
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                http().get("/admin/boosts/" + boostId, MASTER_KEY).json().path("accounts").findValuesAsText("status"))
                .hasSize(2).containsOnly("revoked"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cohort).allSatisfy(member ->
                assertThat(budgetOf("users", member).path("effective_limit").asText()).isEqualTo("1")));
    }

    /** A cohort boost whose shares fail, parked, and its members. */
    private record Parked(String boostId, List<String> cohort) {
    }

    private Parked aParkedCohortBoost() {
        String team = newTeam(null, "1", "reject");
        List<String> cohort = List.of(newUser(team, null), newUser(team, null));
        String boostId = grantPoisoned(team, cohort);
        awaitParked();
        return new Parked(boostId, cohort);
    }

    /** Grants a cohort boost whose shares fail. */
    private String grantPoisoned(String team, List<String> cohort) {
        String boostId = unique("poisoned");
        poisoned.add(boostId);
        // sent as the admin route sends it, without its answer, which would wait for a distribution never recorded
        commands.sendAndWait(new GrantCohortBoost(boostId, cohort.stream().map(user -> new CohortMember(user, team))
                .toList(), "users", Money.of("0.5"), Instant.now(), inAnHour(), "hackathon", "master", null));
        return boostId;
    }

    /** The one sequence the distributor has parked, once it has. */
    private DeadLetters.Sequence awaitParked() {
        List<DeadLetters.Sequence> parked = await().atMost(Duration.ofSeconds(10))
                .until(this::parkedSequences, sequences -> !sequences.isEmpty());
        assertThat(parked).as("one cohort boost parked").hasSize(1);
        return parked.get(0);
    }

    private List<DeadLetters.Sequence> parkedSequences() {
        return deadLetters.list().stream().filter(sequence -> sequence.processingGroup().equals(GROUP)).toList();
    }

    /** The cohort boost once every member has been offered their share (the directory writes the rows after). */
    private JsonNode distributed(String boostId) {
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> http().get("/admin/boosts/" + boostId, MASTER_KEY).json(),
                // a cohort the read model shows already (an answer without it, e.g. a 404, has 0 of 0 members)
                boost -> boost.path("cohort").path("member_count").asInt() > 0
                        && boost.path("accounts").size() == boost.path("cohort").path("member_count").asInt());
    }

    private static Instant inAnHour() {
        return Instant.now().plusSeconds(3600);
    }
}
