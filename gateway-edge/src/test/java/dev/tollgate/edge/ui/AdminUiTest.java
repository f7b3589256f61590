package dev.tollgate.edge.ui;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The admin web UI at /ui/, in a real headless Chromium against the running gateway: signing in, creating a team,
 * tagging users and granting them a cohort boost, the cost of a request made through the API, the back button, and
 * a finance credential that only reads.
 */
class AdminUiTest extends GatewayTestSupport {

    private static Browser browser;

    @BeforeAll
    static void needsBrowser() {
        Browser.requireBrowser();
    }

    @BeforeEach
    void startBrowser() {
        if (browser == null) {
            browser = Browser.start(baseUrl());
        }
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @Test
    void signingInWithTheMasterKeyOpensTheTeamsPageAndNamesTheAdmin() {
        browser.signIn(MASTER_KEY);

        browser.heading("Teams");
        browser.waitForText(By.id("signed-in-as"), "Signed in as master (admin)");
        assertThat(browser.driver.findElement(By.id("nav")).getText()).contains("Teams", "Boosts", "Keys", "Prices",
                "Spend", "Audit trail", "Recalculations");
        assertThat(browser.driver.executeScript("return sessionStorage.getItem('tollgate.key')")).isEqualTo(MASTER_KEY);
    }

    @Test
    void everyPageRendersUnderTheServersContentSecurityPolicyWithoutAViolation() {
        browser.signIn(MASTER_KEY);
        browser.heading("Teams");
        browser.driver.executeScript("window.cspViolations = [];"
                + "document.addEventListener('securitypolicyviolation', e => window.cspViolations.push("
                + "e.violatedDirective + ' ' + e.blockedURI));");
        for (String page : List.of("boosts", "keys", "prices", "spend", "audit", "recalculations", "teams")) {
            browser.driver.executeScript("location.hash = '#/" + page + "'");
            browser.waitFor(By.cssSelector("main .view[data-ready][data-page='" + page + "'], main .view[data-ready]"));
            browser.ready();
        }
        assertThat(browser.driver.executeScript("return window.cspViolations")).asList().isEmpty();
    }

    @Test
    void aRefusedKeyShowsTheServersReasonAndStaysOnTheSignInPage() {
        browser.signIn("tg-not-a-key-of-this-gateway");

        WebElement error = browser.waitFor(By.cssSelector(".message.error"));
        assertThat(error.getText()).contains("Incorrect API key provided");
        browser.heading("Sign in");
        assertThat(browser.driver.findElement(By.id("nav")).isDisplayed()).isFalse();
        assertThat(browser.driver.executeScript("return sessionStorage.getItem('tollgate.key')")).isNull();
    }

    @Test
    void aTeamCreatedInTheUiIsListedWithItsBudgets() {
        String team = unique("ui-team");
        browser.signIn(MASTER_KEY);
        browser.heading("Teams");

        browser.fill("create-team-form", "id", team);
        browser.fill("create-team-form", "name", "Course " + team);
        browser.fill("create-team-form", "budget_limit", "100");
        browser.fill("create-team-form", "member_limit", "5");
        browser.fill("create-team-form", "reason", "autumn term");
        browser.button("Create team").click();

        browser.waitForText(By.id("flash"), "Team " + team + " created.");
        WebElement row = browser.rowWith(team);
        assertThat(row.getText()).contains("Course " + team, "100 per month", "5 per month");
        assertThat(http().get("/admin/teams/" + team, MASTER_KEY).status()).isEqualTo(200);
    }

    @Test
    void aCreateTeamErrorShowsTheApisMessage() {
        String team = newTeam("10", "1", "clamp");
        browser.signIn(MASTER_KEY);
        browser.heading("Teams");

        browser.fill("create-team-form", "id", team);
        browser.button("Create team").click();

        assertThat(browser.waitFor(By.cssSelector(".message.error")).getText()).contains("already exists");
    }

    @Test
    void usersTaggedInTheUiGetACohortBoostGrantedByTagThatIsListedWithItsMembers() {
        String team = newTeam("100", "1", "clamp");
        String ann = newUser(team, null);
        String ben = newUser(team, null);
        String other = newUser(team, null);
        String tag = unique("course");
        browser.signIn(MASTER_KEY);
        browser.heading("Teams");

        browser.open("#/teams/" + team);
        browser.heading("Team " + team);
        browser.waitFor(By.cssSelector("input[data-user='" + ann + "']")).click();
        browser.waitFor(By.cssSelector("input[data-user='" + ben + "']")).click();
        browser.fill("tag-form", "tag", tag);
        browser.button("Add tag").click();
        browser.waitForText(By.id("flash"), "Tag " + tag + " added to 2 member(s).");
        assertThat(browser.rowWith(ann).getText()).contains(tag);
        assertThat(browser.rowWith(other).getText()).doesNotContain(tag);

        browser.waitFor(By.linkText("Boosts")).click();
        browser.heading("Boosts");
        browser.choose("grant-boost-form", "kind", "everyone with a tag");
        browser.fill("grant-boost-form", "who", tag);
        browser.fill("grant-boost-form", "amount", "2.5");
        browser.fill("grant-boost-form", "reason", "exam week");
        browser.button("Grant boost").click();

        browser.waitForText(By.id("flash"), "granted to 2 account(s)");
        WebElement row = browser.rowWith("everyone tagged " + tag);
        assertThat(row.getText()).contains(ann, ben, "2.5", "active", "exam week").doesNotContain(other);

        browser.open("#/teams/" + team);
        assertThat(browser.rowWith(ann).getText()).as("boosts now").contains("2.5");
    }

    @Test
    void theCostOfAChatRequestMadeThroughTheApiAppearsInTheSpendList() {
        String team = newTeam("100", "10", "clamp");
        String user = newUser(team, null);
        Http.Response answer = chat(newUserKey(user, List.of()), "gpt-test", Map.of());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        String requestId = answer.header("x-request-id");
        String cost = messageCost(requestId).path("cost").asText();
        browser.signIn(MASTER_KEY);
        browser.heading("Teams");

        browser.waitFor(By.linkText("Spend")).click();
        browser.heading("Spend");
        browser.fill("spend-filter", "team_id", team);
        browser.button("Show").click();

        WebElement row = browser.rowWith(requestId);
        assertThat(row.getText()).contains(team, user, "gpt-test", "settled", cost);
        assertThat(browser.driver.getCurrentUrl()).contains("team_id=" + team);
    }

    @Test
    void aRecalculationAfterAPriceCorrectionIsReviewedAndApprovedInTheUi() {
        java.time.Instant before = java.time.Instant.now().minusSeconds(10);
        String team = newTeam("100", "10", "clamp");
        String key = newUserKey(newUser(team, null), List.of());
        String requestId = chat(key, "gpt-recost-ui", Map.of()).header("x-request-id");
        messageCost(requestId);
        Http.Response corrected = http().put("/admin/prices", MASTER_KEY, Map.of("effective_from", before.toString(),
                "reason", "the provider corrected its prices",
                "prices", Map.of("gpt-recost-ui", Map.of("input", "7", "output", "7"))));
        assertThat(corrected.status()).as(corrected.body()).isEqualTo(200);
        String id = corrected.json().path("recalculation_id").asText();
        browser.signIn(MASTER_KEY);
        browser.heading("Teams");

        browser.waitFor(By.linkText("Recalculations")).click();
        browser.heading("Recalculations");
        browser.rowWith(id).findElement(By.linkText(id)).click();
        browser.waiting().until(driver -> driver.findElement(By.id("recalculation-status")).getText().equals("ready"));
        assertThat(browser.rowWith(team).getText()).as("the team's line of the diff").contains(team);
        assertThat(browser.rowWith(requestId).getText()).contains(requestId);

        browser.fill("approve-form", "reason", "checked with the supplier invoice");
        browser.button("Approve").click();
        browser.waiting().until(driver -> List.of("approved", "applied")
                .contains(driver.findElement(By.id("recalculation-status")).getText()));
        await().untilAsserted(() -> assertThat(http().get("/spend/messages/" + requestId, MASTER_KEY).json()
                .path("adjusted_cost").isNull()).as("the correction is charged").isFalse());
    }

    @Test
    void theBackButtonReturnsToThePreviousPage() {
        String team = newTeam("100", "1", "clamp");
        browser.signIn(MASTER_KEY);
        browser.heading("Teams");

        browser.waitFor(By.linkText("Team " + team + " (" + team + ")")).click();
        browser.heading("Team " + team);
        browser.waitFor(By.linkText("Keys of this team")).click();
        browser.heading("API keys");
        assertThat(browser.driver.findElement(By.cssSelector("#key-filter [name='team_id']")).getAttribute("value"))
                .isEqualTo(team);

        browser.driver.navigate().back();
        browser.heading("Team " + team);
        browser.driver.navigate().back();
        browser.heading("Teams");
        browser.driver.navigate().forward();
        browser.heading("Team " + team);
    }

    @Test
    void aFinanceCredentialReadsEverythingButSeesNoButtonThatChangesAnything() {
        String team = newTeam("100", "1", "clamp");
        String user = newUser(team, null);
        newUserKey(user, List.of());
        Credential finance = newCredential("finance", null, null);
        browser.signIn(finance.secret());
        browser.heading("Teams");
        browser.waitForText(By.id("signed-in-as"), "(finance)");
        browser.rowWith(team);

        List<String> writes = List.of("Create team", "Change budget", "Add tag", "Remove tag", "Register user",
                "Grant boost", "Revoke…", "Issue key", "Rotate…", "Publish prices", "Start recalculation", "Approve");
        Map<String, String> pages = Map.of("#/teams", "Teams", "#/teams/" + team, "Team " + team,
                "#/boosts", "Boosts", "#/keys", "API keys", "#/prices", "Prices", "#/recalculations", "Recalculations",
                "#/spend", "Spend", "#/audit", "Audit trail");
        pages.forEach((page, heading) -> {
            browser.open(page);
            browser.heading(heading);
            assertThat(browser.buttonTexts()).as(page).doesNotContainAnyElementsOf(writes);
            assertThat(browser.driver.findElements(By.cssSelector("main form.grid[id$='-form']"))).as(page).isEmpty();
        });
        browser.open("#/keys?team_id=" + team);
        assertThat(browser.rowWith(user).getText()).contains("active");
    }

    /**
     * With TOLLGATE_SCREENSHOTS set to a folder, saves a PNG of each main page there, over a small demo data set
     * (docs/screenshots/ holds the committed ones: {@code TOLLGATE_SCREENSHOTS=$PWD/docs/screenshots mvn … -Dtest=
     * AdminUiTest#screenshotsOfTheMainPages}).
     */
    @Test
    void screenshotsOfTheMainPages() {
        String folder = System.getenv("TOLLGATE_SCREENSHOTS");
        assumeTrue(folder != null && !folder.isBlank(), "TOLLGATE_SCREENSHOTS is not set");
        Path shots = Path.of(folder);
        java.time.Instant demoStart = java.time.Instant.now();
        demoData();
        browser.signIn(MASTER_KEY);
        browser.heading("Teams");
        browser.screenshot(shots, "teams");

        browser.open("#/teams/cs101");
        browser.heading("Team cs101");
        browser.screenshot(shots, "team-detail");

        browser.open("#/boosts");
        browser.heading("Boosts");
        browser.screenshot(shots, "boosts");

        browser.open("#/keys?team_id=cs101");
        browser.heading("API keys");
        browser.choose("issue-key-form", "owner", "a user");
        browser.fill("issue-key-form", "owner_id", "carol");
        browser.fill("issue-key-form", "name", "Carol's laptop");
        browser.fill("issue-key-form", "rpm", "30");
        browser.button("Issue key").click();
        browser.waitFor(By.id("new-secret"));
        browser.ready();
        browser.screenshot(shots, "keys");

        browser.open("#/prices");
        browser.heading("Prices");
        browser.screenshot(shots, "prices");

        browser.open("#/spend");
        browser.heading("Spend");
        browser.waiting().until(driver -> !driver.findElements(By.cssSelector(
                "#chart-provider canvas, #chart-provider p, .chart + .message.error, .message.error")).isEmpty());
        browser.screenshot(shots, "spend");

        browser.open("#/audit");
        browser.heading("Audit trail");
        browser.screenshot(shots, "audit");

        // A correction reaches back to before the demo's traffic (and more than 5 s back, or it is no correction).
        await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> java.time.Instant.now().isAfter(demoStart.plusSeconds(6)));
        Http.Response corrected = http().put("/admin/prices", MASTER_KEY, Map.of("effective_from",
                demoStart.toString(), "reason", "supplier invoice: output price",
                "prices", Map.of("gpt-cheap", Map.of("input", "0.01", "output", "0.03"))));
        String recalculation = corrected.json().path("recalculation_id").asText();
        await().until(() -> http().get("/admin/recalculations/" + recalculation, MASTER_KEY).json().path("status")
                .asText().equals("ready"));
        browser.open("#/recalculations");
        browser.heading("Recalculations");
        browser.screenshot(shots, "recalculations");

        browser.open("#/recalculations/" + recalculation);
        browser.waitFor(By.id("approve-form"));
        browser.ready();
        browser.screenshot(shots, "recalculation-detail");
    }

    /** Two courses, their students, keys, boosts and some traffic, for the screenshots. */
    private void demoData() {
        Http http = http();
        for (Map<String, Object> team : List.of(
                Map.of("id", "cs101", "name", "CS 101: Programming", "budget", budget("100", "monthly"),
                        "member_budget", budget("5", "monthly"), "reason", "autumn term"),
                Map.of("id", "ma201", "name", "MA 201: Statistics", "budget", budget("50", "monthly"),
                        "member_budget", budget("2", "weekly"), "over_budget_policy", "reject",
                        "reason", "autumn term"))) {
            http.post("/admin/teams", MASTER_KEY, team);
        }
        for (String[] user : new String[][]{{"alice", "cs101", "Alice Example"}, {"bob", "cs101", "Bob Example"},
                {"carol", "cs101", "Carol Example"}, {"dan", "ma201", "Dan Example"}, {"erin", "ma201", "Erin Example"}}) {
            http.post("/admin/users", MASTER_KEY, Map.of("id", user[0], "team_id", user[1], "name", user[2],
                    "tags", List.of("course:" + user[1], "year:2")));
        }
        String alice = issue(Map.of("user_id", "alice", "name", "Alice's laptop")).path("key").asText();
        String dan = issue(Map.of("user_id", "dan", "name", "Dan's notebook", "allowed_models",
                List.of("gpt-cheap"))).path("key").asText();
        String app = issue(Map.of("team_id", "cs101", "name", "course chat app", "requests_per_minute", 60,
                "default_tags", Map.of("course", "cs101"))).path("key").asText();
        http.post("/admin/boosts", MASTER_KEY, Map.of("target", "tag:course:cs101", "amount", "2",
                "ends_at", java.time.Instant.now().plusSeconds(7 * 86400).toString(), "reason", "exam week"));
        http.post("/admin/boosts", MASTER_KEY, Map.of("target", "team:ma201", "amount", "10",
                "ends_at", java.time.Instant.now().plusSeconds(30 * 86400).toString(), "reason", "project weeks"));
        for (int i = 0; i < 3; i++) {
            chat(alice, "gpt-test", Map.of());
            chat(app, "gpt-test", Map.of("user", "bob"));
            chat(dan, "gpt-cheap", Map.of());
        }
        messageCost(chat(app, "gpt-cheap", Map.of("user", "frank@uni.example")).header("x-request-id"));
    }
}
