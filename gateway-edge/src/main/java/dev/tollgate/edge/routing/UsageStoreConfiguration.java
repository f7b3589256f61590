package dev.tollgate.edge.routing;

import dev.tollgate.edge.config.TollgateProperties;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.net.URI;

/**
 * Chooses where usage is counted: in Redis when {@code tollgate.redis.url} (or Spring's {@code spring.data.redis.url}
 * or {@code spring.data.redis.host}) is set, in-process otherwise. Without Redis settings nothing tries to reach a
 * Redis: Tollgate starts on a fresh machine.
 */
@Configuration(proxyBeanMethods = false)
public class UsageStoreConfiguration {

    static final String REDIS_CONFIGURED = "'${tollgate.redis.url:}' != '' or '${spring.data.redis.url:}' != '' "
            + "or '${spring.data.redis.host:}' != ''";

    private static final Logger log = LoggerFactory.getLogger(UsageStoreConfiguration.class);

    @Bean
    @ConditionalOnExpression("!(" + REDIS_CONFIGURED + ")")
    UsageStore inProcessUsageStore() {
        log.info("Usage (deployments' rpm/tpm, keys' rate limits) is kept in-process: set tollgate.redis.url to "
                + "share it between nodes");
        return new InProcessUsageStore();
    }

    @Bean(destroyMethod = "shutdown")
    @ConditionalOnExpression(REDIS_CONFIGURED)
    RedissonClient tollgateRedisson(TollgateProperties properties, Environment environment) {
        Config config = new Config();
        config.setUseScriptCache(true);
        SingleServerConfig server = config.useSingleServer();
        String url = properties.redis().url();
        if (url == null || url.isBlank()) {
            url = environment.getProperty("spring.data.redis.url");
        }
        if (url == null || url.isBlank()) {
            boolean ssl = environment.getProperty("spring.data.redis.ssl.enabled", Boolean.class, false);
            url = (ssl ? "rediss://" : "redis://") + environment.getProperty("spring.data.redis.host")
                    + ":" + environment.getProperty("spring.data.redis.port", "6379");
            server.setPassword(environment.getProperty("spring.data.redis.password"));
            server.setUsername(environment.getProperty("spring.data.redis.username"));
            server.setDatabase(environment.getProperty("spring.data.redis.database", Integer.class, 0));
        }
        URI uri = URI.create(url.trim());
        if (uri.getUserInfo() != null) {
            String[] credentials = uri.getUserInfo().split(":", 2);
            if (credentials.length == 2) {
                if (!credentials[0].isEmpty()) {
                    server.setUsername(credentials[0]);
                }
                server.setPassword(credentials[1]);
            } else {
                server.setPassword(credentials[0]);
            }
        }
        if (uri.getPath() != null && uri.getPath().length() > 1) {
            server.setDatabase(Integer.parseInt(uri.getPath().substring(1)));
        }
        String address = uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
        server.setAddress(address)
                .setTimeout((int) properties.redis().timeout().toMillis())
                .setConnectionMinimumIdleSize(4)
                .setConnectionPoolSize(64);
        // the address only: never the password
        log.info("Usage (deployments' rpm/tpm, keys' rate limits) is shared in Redis at {}", address);
        return Redisson.create(config);
    }

    @Bean
    @ConditionalOnExpression(REDIS_CONFIGURED)
    UsageStore redisUsageStore(RedissonClient tollgateRedisson, TollgateProperties properties) {
        return new RedisUsageStore(tollgateRedisson, properties.redis().keyPrefix());
    }
}
