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
        nettyAllocatorDefaults();
        eventLoopDefaults();
        SpringApplication.run(TollgateApplication.class, args);
    }

    /**
     * Netty's pooled buffers in chunks of 1 MiB instead of 4 MiB (docs/configuration.md, "Memory"): each arena (two
     * on one CPU) holds at least one chunk of direct memory, and requests and answers are read and written in
     * buffers of 64 KiB at most, so the larger chunks only added resident memory. Set before Netty's classes load;
     * a value the operator gives ({@code -Dio.netty.allocator.maxOrder=…}) wins.
     */
    static void nettyAllocatorDefaults() {
        if (System.getProperty(NETTY_MAX_ORDER) == null) {
            System.setProperty(NETTY_MAX_ORDER, "7");
        }
    }

    static final String NETTY_MAX_ORDER = "io.netty.allocator.maxOrder";

    /**
     * One HTTP event loop per CPU the JVM may use, instead of Reactor Netty's at least four (docs/configuration.md,
     * "Memory and threads"). A request's server connection, its upstream connection and its answer then stay on
     * one loop where there are fewer than four CPUs: with four loops on one CPU the loops handed each request to one
     * another and woke each other up, and on the harness's pinned CPU that cost about a fifth of the JVM's CPU per
     * request (docs/performance.md). Nothing blocks on these loops (the ledger's commits and the database wait on
     * threads of their own), so fewer loops lose no work. Same rule as {@link #nettyAllocatorDefaults}: set before
     * Reactor Netty's classes load, and a value the operator gives ({@code -Dreactor.netty.ioWorkerCount=…}) wins.
     */
    static void eventLoopDefaults() {
        if (System.getProperty(EVENT_LOOPS) == null) {
            System.setProperty(EVENT_LOOPS, String.valueOf(Runtime.getRuntime().availableProcessors()));
        }
    }

    static final String EVENT_LOOPS = "reactor.netty.ioWorkerCount";
}
