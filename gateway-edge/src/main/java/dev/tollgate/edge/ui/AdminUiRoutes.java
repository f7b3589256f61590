package dev.tollgate.edge.ui;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import java.net.URI;

import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The admin web UI: static files under {@code classpath:static/ui/} (served by Spring Boot at {@code /ui/…}, with
 * uPlot from its WebJar at {@code /webjars/uplot/…}). {@code /ui} and {@code /ui/} answer the page itself; the UI
 * routes with the URL's fragment ({@code /ui/#/teams}), so the server needs no other route. The page and its
 * assets need no key: the UI asks for one and sends it to the JSON routes, which stay protected.
 */
@Configuration(proxyBeanMethods = false)
public class AdminUiRoutes {

    private static final Resource INDEX = new ClassPathResource("static/ui/index.html");

    @Bean
    RouterFunction<ServerResponse> adminUiRouter() {
        return route()
                .GET("/ui", request -> ServerResponse.permanentRedirect(URI.create("/ui/")).build())
                .GET("/ui/", request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML)
                        .cacheControl(CacheControl.noCache()).bodyValue(INDEX))
                .build();
    }
}
