package dev.tollgate.edge.openai;

import io.swagger.v3.oas.annotations.Operation;
import org.springdoc.core.annotations.RouterOperation;
import org.springdoc.core.annotations.RouterOperations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/** The OpenAI routes besides chat completions, each governed by budgets like chat completions (docs/api.md). */
@Configuration(proxyBeanMethods = false)
public class EndpointRoutes {

    private static final String GOVERNED = " Reserves the worst case on the user's and the team's budgets, forwards, "
            + "settles the real cost (x-tollgate-cost; usage.cost where the answer has usage); 429 insufficient_quota "
            + "when a budget cannot cover it; an upstream failure is released (nothing charged). Unknown fields pass "
            + "through.";

    @Bean
    @RouterOperations({
            @RouterOperation(path = "/v1/completions", method = RequestMethod.POST,
                    beanClass = CompletionsHandler.class, beanMethod = "handle",
                    operation = @Operation(operationId = "createCompletion", tags = "OpenAI-compatible",
                            summary = "Text completion (legacy), priced like chat", description = GOVERNED)),
            @RouterOperation(path = "/v1/embeddings", method = RequestMethod.POST,
                    beanClass = EmbeddingsHandler.class, beanMethod = "handle",
                    operation = @Operation(operationId = "createEmbedding", tags = "OpenAI-compatible",
                            summary = "Embeddings, priced at the input price", description = GOVERNED)),
            @RouterOperation(path = "/v1/images/generations", method = RequestMethod.POST,
                    beanClass = ImagesHandler.class, beanMethod = "handle",
                    operation = @Operation(operationId = "createImage", tags = "OpenAI-compatible",
                            summary = "Image generation, priced per image by size and quality",
                            description = GOVERNED)),
            @RouterOperation(path = "/v1/responses", method = RequestMethod.POST,
                    beanClass = ResponsesHandler.class, beanMethod = "handle",
                    operation = @Operation(operationId = "createResponse", tags = "OpenAI-compatible",
                            summary = "Responses API, whole or streamed, priced by input and output tokens",
                            description = GOVERNED))
    })
    RouterFunction<ServerResponse> openAiEndpointsRouter(CompletionsHandler completions, EmbeddingsHandler embeddings,
                                                         ImagesHandler images, ResponsesHandler responses) {
        return route()
                .POST("/v1/completions", completions::handle)
                .POST("/v1/embeddings", embeddings::handle)
                .POST("/v1/images/generations", images::handle)
                .POST("/v1/responses", responses::handle)
                .build();
    }
}
