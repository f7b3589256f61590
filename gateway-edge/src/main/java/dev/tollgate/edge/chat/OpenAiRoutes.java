package dev.tollgate.edge.chat;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/** The OpenAI-compatible routes. */
@Configuration(proxyBeanMethods = false)
public class OpenAiRoutes {

    @Bean
    RouterFunction<ServerResponse> openAiRouter(ChatCompletionsHandler chat, ModelsHandler models) {
        return route()
                .POST("/v1/chat/completions", chat::handle)
                .GET("/v1/models", models::list)
                .GET("/v1/models/{model}", models::one)
                .build();
    }
}
