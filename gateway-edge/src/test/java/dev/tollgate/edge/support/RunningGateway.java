package dev.tollgate.edge.support;

import dev.tollgate.edge.TollgateApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;

/** A whole Tollgate started the way an operator starts it, for tests that stop and start it or run two nodes. */
public final class RunningGateway implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private RunningGateway(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts with the given properties, on a free port; {@code profiles} may be empty (the demo configuration). */
    public static RunningGateway start(List<String> profiles, String... properties) {
        List<String> all = new ArrayList<>(List.of(properties));
        all.add("server.port=0");
        all.add("test.upstream.url=" + FakeUpstream.shared().baseUrl());
        all.add("test.providers.url=" + FakeProviders.shared().baseUrl());
        // As command-line arguments: they win over every configuration file, as an operator's would.
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TollgateApplication.class)
                .profiles(profiles.toArray(String[]::new))
                .run(all.stream().map(p -> "--" + p).toArray(String[]::new));
        return new RunningGateway(context);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    public Http http() {
        return new Http(baseUrl());
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
