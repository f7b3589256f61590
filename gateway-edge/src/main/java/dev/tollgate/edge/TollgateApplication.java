package dev.tollgate.edge;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.autoconfigure.data.redis.RedisReactiveAutoConfiguration;
import org.springframework.boot.autoconfigure.data.redis.RedisRepositoriesAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Tollgate: an OpenAI-compatible LLM gateway whose budgets are an event-sourced ledger.
 * Scans the edge, the projections and the query side; the aggregates are found by Axon.
 * <p>
 * Redis is Tollgate's own business (routing.UsageStoreConfiguration, Redisson's client without its Spring Boot
 * starter): Spring Data Redis's auto-configurations, should it ever be on the classpath again, would connect to
 * localhost:6379 at start even when no Redis is configured.
 */
@SpringBootApplication(scanBasePackages = {"dev.tollgate.edge", "dev.tollgate.projection", "dev.tollgate.query",
        "dev.tollgate.domain"}, exclude = {RedisAutoConfiguration.class,
        RedisReactiveAutoConfiguration.class, RedisRepositoriesAutoConfiguration.class})
@ConfigurationPropertiesScan("dev.tollgate.edge")
@EnableScheduling
public class TollgateApplication {

    public static void main(String[] args) {
        // Tollgate runs offline and keeps its operators' data to itself: no update check calls AxonIQ
        // unless the operator asks for it (-Daxoniq.update-checker.disabled=false).
        if (System.getProperty("axoniq.update-checker.disabled") == null
                && System.getenv("AXONIQ_UPDATE_CHECKER_DISABLED") == null) {
            System.setProperty("axoniq.update-checker.disabled", "true");
        }
        SpringApplication.run(TollgateApplication.class, args);
    }
}
