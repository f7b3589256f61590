package dev.tollgate.edge.admin;

import dev.tollgate.api.keypolicy.SetKeyPolicy;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An admin request that is refused changes nothing: its command is sent only after the checks that refuse it (the
 * team or credential exists, the caller manages the team), never while the answer is assembled.
 */
class RefusedAdminCommandsTest extends GatewayTestSupport {

    @Test
    void aKeyPolicyForATeamThatDoesNotExistIsRefusedAndNoPolicyIsRecorded() {
        String team = unique("no-such-team");
        Http.Response refused = http().put("/admin/teams/" + team + "/key-policy", MASTER_KEY,
                Map.of("max_keys", 3, "reason", "typo in the team id"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(404);
        assertThat(eventsOf(SetKeyPolicy.policyId(team))).as("nothing recorded for the refused request").isZero();
    }

    @Test
    void aKeyBudgetAManagerOfAnotherTeamSetsIsRefusedAndTheKeyKeepsNone() {
        String team = newTeam(null, null, "clamp");
        String other = newTeam(null, null, "clamp");
        String keyId = issue(Map.of("name", "team key", "team_id", team)).path("id").asText();
        Credential managerOfOther = newCredential("manager", List.of(other), null);
        Http.Response refused = http().put("/admin/keys/" + keyId + "/budget", managerOfOther.secret(),
                Map.of("limit", "5", "period", "monthly", "reason", "not mine"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(dsl.fetchCount(DSL.table("domainevententry"), DSL.field("aggregateidentifier").eq(team)
                .and(DSL.field("payloadtype").like("%KeyBudgetSet")))).isZero();
    }

    @Test
    void aChangeOrRevocationOfACredentialThatDoesNotExistIsRefusedAndRecordsNothing() {
        String credential = unique("cred_none");
        Http.Response changed = http().put("/admin/credentials/" + credential, MASTER_KEY,
                Map.of("role", "finance", "reason", "typo"));
        assertThat(changed.status()).as(changed.body()).isEqualTo(404);
        Http.Response revoked = http().delete("/admin/credentials/" + credential + "?reason=typo", MASTER_KEY);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(404);
        assertThat(eventsOf(credential)).isZero();
    }

    private int eventsOf(String aggregateId) {
        return dsl.fetchCount(DSL.table("domainevententry"), DSL.field("aggregateidentifier").eq(aggregateId));
    }
}
