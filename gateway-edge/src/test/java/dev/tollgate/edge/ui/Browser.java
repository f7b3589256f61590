package dev.tollgate.edge.ui;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The system's headless Chromium (Debian's chromium and chromium-driver), driven by Selenium with the driver path
 * set explicitly: Selenium Manager downloads nothing. Without the browser the UI tests are skipped, unless
 * TOLLGATE_REQUIRE_BROWSER=1 (CI), where they fail.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(env("TOLLGATE_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(env("TOLLGATE_CHROMEDRIVER", "/usr/bin/chromedriver"));
    static final Dimension WINDOW = new Dimension(1280, 900);

    private final ChromeDriverService service;
    final ChromeDriver driver;
    private final String baseUrl;

    private Browser(ChromeDriverService service, ChromeDriver driver, String baseUrl) {
        this.service = service;
        this.driver = driver;
        this.baseUrl = baseUrl;
    }

    /** Skips the calling test class when there is no browser here; fails instead when the browser is required. */
    static void requireBrowser() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "1".equals(System.getenv("TOLLGATE_REQUIRE_BROWSER"))) {
            fail("TOLLGATE_REQUIRE_BROWSER=1 but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing "
                    + "(apt-get install chromium chromium-driver)");
        }
        assumeTrue(present, "No " + CHROMIUM + " and " + CHROMEDRIVER + ": the admin UI's browser tests are skipped");
    }

    static Browser start(String baseUrl) {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + WINDOW.width + "," + WINDOW.height, "--lang=en-US", "--no-first-run",
                "--disable-extensions", "--disable-background-networking");
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(WINDOW);
        return new Browser(service, driver, baseUrl);
    }

    /** Opens a page of the UI, e.g. {@code "#/teams"}. */
    void open(String fragment) {
        driver.get(baseUrl + "/ui/" + fragment);
    }

    /** A fresh start: nobody signed in. */
    void signOut() {
        open("#/signin");
        driver.executeScript("sessionStorage.clear()");
    }

    void signIn(String key) {
        signOut();
        open("");
        type(By.id("signin-key"), key);
        button("Sign in").click();
    }

    WebElement waitFor(By by) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    void waitForText(By by, String text) {
        // while a page is replaced (a sign-out's redirect), Chrome may answer "node does not belong to the
        // document" for an element found a moment before: a page in flight, not an answer; asked again
        waiting().ignoring(WebDriverException.class)
                .until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    /** Waits until the page with this heading is shown and has loaded what it shows. */
    void heading(String text) {
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("main h1"), text));
        ready();
    }

    /** Waits until the page shown has loaded what it shows. */
    void ready() {
        waitFor(By.cssSelector("main .view[data-ready]"));
    }

    /**
     * Waits up to 15 s for a condition; one that read an element the page has just rendered again (a stale element)
     * is evaluated again rather than failing the test.
     */
    WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    void type(By by, String text) {
        WebElement element = waitFor(by);
        element.clear();
        element.sendKeys(text);
    }

    /** A field of a form by its name, e.g. {@code field("create-team-form", "id")}. */
    By field(String formId, String name) {
        return By.cssSelector("#" + formId + " [name='" + name + "']");
    }

    void fill(String formId, String name, String text) {
        type(field(formId, name), text);
    }

    void choose(String formId, String name, String visibleText) {
        new Select(waitFor(field(formId, name))).selectByVisibleText(visibleText);
    }

    /** The visible button with this text. */
    WebElement button(String text) {
        return waiting().until(ExpectedConditions.elementToBeClickable(By.xpath(
                "//button[normalize-space(.)='" + text + "']")));
    }

    List<String> buttonTexts() {
        return driver.findElements(By.tagName("button")).stream().filter(WebElement::isDisplayed)
                .map(WebElement::getText).toList();
    }

    /** The table row (in the page's main part) that contains the text. */
    WebElement rowWith(String text) {
        return waitFor(By.xpath("//main//tr[contains(., '" + text + "')]"));
    }

    /** A PNG of the whole page, however long (the viewport is stretched to the page for the shot). */
    void screenshot(Path directory, String name) {
        try {
            Files.createDirectories(directory);
            Number height = (Number) driver.executeScript("return document.documentElement.scrollHeight");
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", WINDOW.width,
                    "height", Math.min(4000, height.intValue()), "deviceScaleFactor", 1, "mobile", false));
            Thread.sleep(300);
            Files.write(directory.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
