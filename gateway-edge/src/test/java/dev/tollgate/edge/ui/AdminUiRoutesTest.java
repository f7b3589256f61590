package dev.tollgate.edge.ui;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the admin UI needs from the server, over plain HTTP: its page and assets without a key, uPlot from its
 * WebJar, and GET /admin/whoami for the presented credential; the JSON routes stay protected.
 */
class AdminUiRoutesTest extends GatewayTestSupport {

    @Test
    void thePageAndItsAssetsNeedNoKey() {
        Http.Response redirect = http().get("/ui", null);
        assertThat(redirect.status()).isEqualTo(308);
        assertThat(redirect.header("Location")).isEqualTo("/ui/");

        Http.Response page = http().get("/ui/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("<script type=\"module\" src=\"app.js\"></script>");

        for (String asset : List.of("/ui/app.js", "/ui/api.js", "/ui/app.css", "/ui/pages/spend.js",
                "/webjars/uplot/1.6.30/dist/uPlot.esm.js", "/webjars/uplot/1.6.30/dist/uPlot.min.css")) {
            assertThat(http().get(asset, null).status()).as(asset).isEqualTo(200);
        }
    }

    @Test
    void theJsonRoutesStayProtected() {
        for (String route : List.of("/admin/whoami", "/admin/teams", "/spend/messages", "/audit")) {
            Http.Response refused = http().get(route, null);
            assertThat(refused.status()).as(route).isEqualTo(401);
            assertThat(refused.json().path("error").path("code").asText()).isEqualTo("invalid_api_key");
        }
    }

    @Test
    void whoamiNamesTheCredentialItsRoleAndAManagersTeams() {
        assertThat(http().get("/admin/whoami", MASTER_KEY).json().toString())
                .isEqualTo("{\"id\":\"master\",\"role\":\"admin\",\"teams\":[],\"budget_cap\":null}");

        String team = newTeam("100", "1", "clamp");
        Credential manager = newCredential("manager", List.of(team), "50");
        Http.Response answer = http().get("/admin/whoami", manager.secret());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("id").asText()).isEqualTo(manager.id());
        assertThat(answer.json().path("role").asText()).isEqualTo("manager");
        assertThat(answer.json().path("teams").get(0).asText()).isEqualTo(team);
        assertThat(answer.json().path("budget_cap").asText()).isEqualTo("50");

        Credential finance = newCredential("finance", null, null);
        assertThat(http().get("/admin/whoami", finance.secret()).json().path("role").asText()).isEqualTo("finance");

        Http.Response apiKey = http().get("/admin/whoami", newTeamKey(team));
        assertThat(apiKey.status()).isEqualTo(403);
    }
}
