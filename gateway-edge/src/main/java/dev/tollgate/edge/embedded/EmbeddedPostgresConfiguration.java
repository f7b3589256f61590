package dev.tollgate.edge.embedded;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.database.DriverAssertions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * Zero-configuration start: without {@code spring.datasource.url}, Tollgate runs its own PostgreSQL, keeping its
 * data in {@code tollgate.data-dir} so that the ledger survives a restart. With a URL, none of this exists.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
public class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(TollgateProperties properties) throws IOException {
        Path dataDirectory = properties.dataDir().resolve("postgres").toAbsolutePath().normalize();
        Files.createDirectories(dataDirectory.getParent());
        TollgateProperties.EmbeddedPostgres settings = properties.embeddedPostgres();
        OrphanedPostgres.stopIfRunning(dataDirectory);
        String durable = settings.durable() ? "on" : "off";
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                // Stopped by Spring after everything that uses it, not by a JVM hook racing the shutdown.
                .setRegisterShutdownHook(false)
                // The embedded library starts PostgreSQL without fsync (-F), for tests; a ledger needs it.
                .setServerConfig("fsync", durable)
                .setServerConfig("synchronous_commit", durable)
                .setServerConfig("max_connections", "100")
                .setServerConfig("shared_buffers", "128MB");
        if (settings.port() > 0) {
            builder.setPort(settings.port());
        }
        EmbeddedPostgres postgres = builder.start();
        log.info("Embedded PostgreSQL on port {}, data in {}{}", postgres.getPort(), dataDirectory,
                settings.durable() ? "" : " (not durable: fsync and synchronous commits are off)");
        return postgres;
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres, Environment environment) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setUsername("postgres");
        config.setMaximumPoolSize(24);
        config.setPoolName("tollgate-embedded");
        // JDBC batches (projections, the re-costing replay) become multi-row INSERTs: one round trip per batch.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        // spring.datasource.hikari.* (timeouts, pool size) apply to the embedded database as to an external one
        Binder.get(environment).bind("spring.datasource.hikari", Bindable.ofInstance(config));
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        DriverAssertions.guard(config);
        return new HikariDataSource(config);
    }
}
