package dev.tollgate.edge.portal;

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
 * The portal's page: {@code /portal} and {@code /portal/} answer {@code classpath:static/portal/index.html}; its
 * script and style are static files beside it. The page needs no session; its JSON routes do.
 */
@Configuration(proxyBeanMethods = false)
public class PortalRoutes {

    private static final Resource INDEX = new ClassPathResource("static/portal/index.html");

    @Bean
    RouterFunction<ServerResponse> portalRouter() {
        return route()
                .GET("/portal", request -> ServerResponse.permanentRedirect(URI.create("/portal/")).build())
                .GET("/portal/", request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML)
                        .cacheControl(CacheControl.noCache()).bodyValue(INDEX))
                .build();
    }
}
