package dev.tollgate.edge.ui;

import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The alerts page in a real headless Chromium: a manager adds a webhook for their team (its secret shown once), sets
 * a threshold on a student already past it, and sees the alert delivered in the delivery log.
 */
class AlertsUiTest extends GatewayTestSupport {

    private static Browser browser;

    @BeforeAll
    static void needsBrowser() {
        Browser.requireBrowser();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @Test
    void aManagerSetsAThresholdInTheUiAndSeesTheAlertInTheDeliveryLog() {
        browser = Browser.start(baseUrl());
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String team = newTeam("100", "0.01", "clamp");
            String student = newUser(team, null);
            String key = newUserKey(student, List.of("gpt-test"));
            Http.Response answer = chat(key, "gpt-test", Map.of("max_tokens", 1000)); // about a fifth of 0.01
            assertThat(answer.status()).isEqualTo(200);
            messageCost(answer.header("x-request-id"));
            Credential manager = newCredential("manager", List.of(team), null);

            browser.signIn(manager.secret());
            browser.heading("Teams");
            browser.waitFor(By.linkText("Alerts")).click();
            browser.heading("Alerts");

            browser.fill("webhook-form", "url", receiver.url());
            browser.fill("webhook-form", "teams", team);
            browser.fill("webhook-form", "reason", "course office");
            browser.button("Add webhook").click();
            assertThat(browser.waitFor(By.id("webhook-secret")).getText()).startsWith("whsec_");

            browser.fill("threshold-form", "team_id", team);
            browser.choose("threshold-form", "scope", "a user");
            browser.fill("threshold-form", "subject", student);
            browser.fill("threshold-form", "percent", "10");
            browser.fill("threshold-form", "reason", "warn the student");
            browser.button("Set threshold").click();
            browser.waitForText(By.id("flash"), "set on 1 team(s)");
            assertThat(browser.rowWith("warn the student").getText()).contains(team, "user " + student, "10 % used");

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                browser.driver.navigate().refresh();
                browser.heading("Alerts");
                String log = browser.waitFor(By.id("delivery-log")).getText();
                assertThat(log).contains(team + "/", "/user:" + student + "/", "delivered", "200");
            });
            assertThat(browser.waitFor(By.id("alerts")).getText()).contains("user " + student, "threshold_set");
            assertThat(receiver.received()).hasSize(1);
            browser.screenshot(java.nio.file.Path.of("target", "screenshots"), "alerts");
        }
    }
}
