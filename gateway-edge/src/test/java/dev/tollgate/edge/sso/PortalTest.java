package dev.tollgate.edge.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.IdentityProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The students' portal through a real sign-in: first sign-in provisioning (team, tags, an audit event naming the
 * provider and the deciding groups), the budget, the member's own keys within the team's key policy, a message's
 * cost and why, revocation within a second, and refusals.
 */
class PortalTest extends GatewayTestSupport {

    private SignedInBrowserless student(String team, String user) {
        return SignedInBrowserless.signIn(baseUrl(), "portal", user, List.of(team + "-students", "library-users"));
    }

    @Test
    void aFirstSignInRegistersTheStudentInTheMappedTeamWithItsTagsAndAnAuditEventNamingTheProvider() {
        String team = newTeam("100", "5", "clamp");
        String user = unique("stu");

        IdentityProvider.SignIn signedIn = IdentityProvider.signIn(baseUrl(), "portal", user,
                List.of(team + "-students"));

        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(302);
        assertThat(signedIn.location()).isEqualTo("/portal/");
        JsonNode registered = http().get("/admin/users/" + user, MASTER_KEY).json();
        assertThat(registered.path("team_id").asText()).isEqualTo(team);
        assertThat(registered.path("tags")).extracting(JsonNode::asText).containsExactly("course:" + team);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(http()
                .get("/audit?entity_id=" + user + "&limit=100", MASTER_KEY).json().path("data"))
                .anySatisfy(entry -> {
                    assertThat(entry.path("action").asText()).isEqualTo("user.identity_linked");
                    assertThat(entry.path("details").toString()).contains(IdentityProvider.shared().issuer(),
                            team + "-students", "team:" + team);
                    assertThat(entry.path("details").toString()).doesNotContain("library-users");
                }));
        JsonNode me = new SignedInBrowserless(http(), signedIn.sessionCookie(), null).get("/portal/api/me").json();
        assertThat(me.path("user_id").asText()).isEqualTo(user);
        assertThat(me.path("budget").path("effective_limit").asText()).isEqualTo("5");
        assertThat(me.path("budget").path("period_end").isNull()).isFalse();
    }

    @Test
    void tagsFollowTheGroupsAtTheNextSignInAndATeamChangeMovesThem() {
        String team = newTeam("100", "5", "clamp");
        String other = newTeam("100", "5", "clamp");
        String user = unique("stu");
        student(team, user);
        assertThat(http().put("/admin/users/" + user + "/tags", MASTER_KEY, Map.of("tags", List.of("manual"),
                "reason", "x")).status()).isEqualTo(200);

        student(team, user);
        assertThat(http().get("/admin/users/" + user, MASTER_KEY).json().path("tags"))
                .extracting(JsonNode::asText).containsExactly("course:" + team);

        IdentityProvider.SignIn moved = IdentityProvider.signIn(baseUrl(), "portal", user,
                List.of(other + "-students"));
        // a returning user whose groups now place them in another team is moved there (edge/membership/MoveProcess)
        assertThat(moved.status()).as(moved.body()).isEqualTo(302);
        assertThat(moved.sessionCookie()).isNotNull();
        JsonNode after = http().get("/admin/users/" + user, MASTER_KEY).json();
        assertThat(after.path("team_id").asText()).isEqualTo(other);
        assertThat(after.path("tags")).extracting(JsonNode::asText).containsExactly("course:" + other);
        await().untilAsserted(() -> assertThat(http().get("/audit?entity=user:" + user, MASTER_KEY).json()
                .path("data").findValuesAsText("action")).contains("user.moved_in", "user.moved_out"));
    }

    @Test
    void aGroupOfATeamTollgateDoesNotHaveSaysTheCourseIsNotSetUp() {
        IdentityProvider.SignIn signedIn = IdentityProvider.signIn(baseUrl(), "portal", unique("stu"),
                List.of(unique("nocourse") + "-students"));

        assertThat(signedIn.status()).isEqualTo(409);
        assertThat(signedIn.body()).contains("Your course is not set up yet");
    }

    @Test
    void aStudentMakesAKeyWithinThePolicyUsesItSeesTheCostAndWhyAndRevokesItWithinASecond() {
        String team = newTeam("100", "5", "clamp");
        SignedInBrowserless portal = student(team, unique("stu"));

        Http.Response created = portal.post("/portal/api/keys", Map.of("name", "laptop", "expires_in_days", 30));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String secret = created.json().path("key").asText();
        String keyId = created.json().path("id").asText();
        assertThat(Instant.parse(created.json().path("expires_at").asText()))
                .isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
        assertThat(portal.get("/portal/api/keys").body()).contains(keyId).doesNotContain(secret);

        String cheap = chat(secret, "gpt-cheap", Map.of()).header("x-request-id");
        String cheapAgain = chat(secret, "gpt-cheap", Map.of()).header("x-request-id");
        String large = chat(secret, "gpt-test", Map.of()).header("x-request-id");
        await().atMost(Duration.ofSeconds(10)).until(() -> portal.get("/portal/api/messages").json()
                .path("data").findValues("outcome").stream().filter(o -> o.asText().equals("settled")).count() == 3);
        JsonNode messages = portal.get("/portal/api/messages").json().path("data");
        assertThat(messages).extracting(m -> m.path("request_id").asText())
                .containsExactlyInAnyOrder(cheap, cheapAgain, large);
        JsonNode big = find(messages, large);
        assertThat(big.path("cost").asText()).isNotBlank();
        assertThat(big.path("model").asText()).isEqualTo("gpt-test");
        assertThat(big.path("prompt_tokens").asLong()).isPositive();
        assertThat(big.path("why").asText()).contains("× your typical message", "model gpt-test",
                "costs more than gpt-cheap");
        assertThat(find(messages, cheap).path("why").asText()).startsWith("Your typical message");
        assertThat(portal.get("/portal/api/messages?model=gpt-cheap").json().path("data")).hasSize(2);
        Http.Response csv = portal.get("/portal/api/messages.csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body()).startsWith("request_id,started_at,model").contains(large);

        // The SDK's client answers once before the revocation: the second timed below is the gateway's, not the
        // loading of the SDK's classes and its first connection (slow in a JVM where no SDK test ran before).
        var client = openAi(secret);
        assertThat(client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-cheap")
                .addUserMessage("before").build()).choices()).isNotEmpty();
        Http.Response revoked = portal.delete("/portal/api/keys/" + keyId);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        Instant revokedAt = Instant.now();
        Http.Response refused = chat(secret, "gpt-test", Map.of());
        Duration stoppedAfter = Duration.between(revokedAt, Instant.now());
        assertThat(refused.status()).as(refused.body()).isEqualTo(401);
        assertThat(refused.body()).contains("revoked");
        assertThat(stoppedAfter).as("the first request after the revocation is refused").isLessThan(Duration.ofSeconds(1));
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-test").addUserMessage("again").build())).isInstanceOf(UnauthorizedException.class);
    }

    private static JsonNode find(JsonNode messages, String requestId) {
        for (JsonNode message : messages) {
            if (message.path("request_id").asText().equals(requestId)) {
                return message;
            }
        }
        throw new AssertionError("no message " + requestId + " in " + messages);
    }

    @Test
    void theTeamsKeyPolicySetByItsManagerBoundsTheKeysMembersMake() {
        String team = newTeam("100", "5", "clamp");
        Credential manager = newCredential("manager", List.of(team), null);
        Map<String, Object> policy = new HashMap<>(Map.of("max_keys", 1, "max_expiry_days", 7,
                "allowed_models", List.of("gpt-cheap"), "requests_per_minute", 30, "reason", "term rules"));
        Http.Response set = http().put("/admin/teams/" + team + "/key-policy", manager.secret(), policy);
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().path("set_by").asText()).isEqualTo(manager.id());
        SignedInBrowserless portal = student(team, unique("stu"));

        assertThat(portal.get("/portal/api/me").json().path("key_policy").path("max_keys").asInt()).isEqualTo(1);
        Http.Response tooLong = portal.post("/portal/api/keys", Map.of("name", "k", "expires_in_days", 8));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body()).contains("at most 7 days");
        Http.Response forbiddenModel = portal.post("/portal/api/keys", Map.of("name", "k",
                "allowed_models", List.of("gpt-test")));
        assertThat(forbiddenModel.status()).isEqualTo(400);
        Http.Response made = portal.post("/portal/api/keys", Map.of("name", "k"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(made.json().path("allowed_models")).extracting(JsonNode::asText).containsExactly("gpt-cheap");
        assertThat(made.json().path("requests_per_minute").asLong()).isEqualTo(30);
        assertThat(Instant.parse(made.json().path("expires_at").asText()))
                .isBefore(Instant.now().plus(Duration.ofDays(7)).plusSeconds(60));
        Http.Response second = portal.post("/portal/api/keys", Map.of("name", "k2"));
        assertThat(second.status()).isEqualTo(403);
        assertThat(second.body()).contains("key_limit_reached", "at most 1");

        String otherTeam = newTeam("100", "5", "clamp");
        Http.Response foreign = http().put("/admin/teams/" + otherTeam + "/key-policy", manager.secret(), policy);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(http().get("/admin/teams/" + otherTeam + "/key-policy", manager.secret()).status()).isEqualTo(403);
    }

    @Test
    void parallelRequestsCannotMakeMoreKeysThanThePolicyAllows() throws Exception {
        String team = newTeam("100", "5", "clamp");
        assertThat(http().put("/admin/teams/" + team + "/key-policy", MASTER_KEY, Map.of("max_keys", 2,
                "reason", "two each")).status()).isEqualTo(200);
        SignedInBrowserless portal = student(team, unique("stu"));

        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Http.Response> answers = new ArrayList<>();
        try {
            List<Future<Http.Response>> making = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                making.add(pool.submit(() -> portal.post("/portal/api/keys", Map.of("name", "k" + n))));
            }
            for (Future<Http.Response> made : making) {
                answers.add(made.get());
            }
        } finally {
            pool.shutdown();
        }

        assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).as(answer.body()).isIn(201, 403));
        assertThat(answers.stream().filter(answer -> answer.status() == 201)).hasSize(2);
        assertThat(answers.stream().filter(answer -> answer.status() == 403))
                .allSatisfy(answer -> assertThat(answer.body()).contains("key_limit_reached", "at most 2"));
        assertThat(portal.get("/portal/api/keys").json()).hasSize(2);
    }

    @Test
    void aMemberReachesOnlyTheirOwnKeysAndNeitherTheAdminRoutesNorAnotherMembersData() {
        String team = newTeam("100", "5", "clamp");
        String neighbour = newUser(team, null);
        String neighboursKey = issue(Map.of("name", "n", "user_id", neighbour)).path("id").asText();
        SignedInBrowserless portal = student(team, unique("stu"));

        assertThat(portal.delete("/portal/api/keys/" + neighboursKey).status()).isEqualTo(404);
        assertThat(http().get("/admin/keys/" + neighboursKey, MASTER_KEY).json().path("revoked_at").isNull())
                .isTrue();
        assertThat(portal.get("/portal/api/keys").body()).doesNotContain(neighboursKey);
        assertThat(portal.get("/admin/teams/" + team).status()).isEqualTo(403);
        assertThat(portal.get("/spend/messages").status()).isEqualTo(403);
        assertThat(portal.get("/budgets/users/" + neighbour).status()).isEqualTo(403);
        Http.Response noToken = new SignedInBrowserless(http(), portal.cookie(), "wrong")
                .post("/portal/api/keys", Map.of("name", "x"));
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(http().get("/portal/api/me", null).status()).isEqualTo(401);
    }

    @Test
    void aStaffMemberWithoutACourseIsToldThePortalIsForMembers() {
        IdentityProvider.SignIn signedIn = IdentityProvider.signIn(baseUrl(), "portal", unique("fin"),
                List.of("finance"));

        assertThat(signedIn.status()).isEqualTo(403);
        assertThat(signedIn.body()).contains("none of your groups places you in a course", "/ui/");
    }
}
