package dev.tollgate.edge.openai;

import dev.tollgate.edge.wire.TollgateHeaders;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springdoc.core.annotations.RouterOperation;
import org.springdoc.core.annotations.RouterOperations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/** The OpenAI-compatible routes (functional endpoints: the hot path has no annotation processing). */
@Configuration(proxyBeanMethods = false)
@Tag(name = "OpenAI-compatible", description = "Use any OpenAI SDK with base URL <tollgate>/v1 and a Tollgate key")
public class OpenAiRoutes {

    @Bean
    @RouterOperations({
            @RouterOperation(path = "/v1/chat/completions", method = RequestMethod.POST,
                    beanClass = ChatCompletionsRoute.class, beanMethod = "handle",
                    operation = @Operation(operationId = "createChatCompletion", tags = "OpenAI-compatible",
                            summary = "Chat completion, governed by budgets (OpenAI's request and response shape)",
                            description = "Reserves the worst case on the user's and the team's budgets, forwards, "
                                    + "settles the real cost. Unknown fields pass through. With a team key, 'user' "
                                    + "names the student. 429 insufficient_quota when a budget cannot cover it.",
                            requestBody = @RequestBody(required = true, content = @Content(
                                    mediaType = "application/json", schema = @Schema(type = "object",
                                    example = "{\"model\":\"mock-gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                                            + "\"content\":\"Hello\"}],\"max_tokens\":200}"))),
                            responses = {
                                    @ApiResponse(responseCode = "200", description = "The completion; usage.cost "
                                            + "holds its cost (in the final chunk when streaming with "
                                            + "stream_options.include_usage)",
                                            headers = {
                                                    @Header(name = TollgateHeaders.REQUEST_ID,
                                                            description = "The request's id in the ledger "
                                                                    + "(GET /spend/messages/{id})"),
                                                    @Header(name = TollgateHeaders.COST,
                                                            description = "The cost, a decimal in the ledger "
                                                                    + "currency (non-streaming)"),
                                                    @Header(name = TollgateHeaders.RESERVED,
                                                            description = "What was reserved before the request "
                                                                    + "went upstream"),
                                                    @Header(name = TollgateHeaders.MAX_TOKENS,
                                                            description = "Present when the budget lowered the "
                                                                    + "output tokens")}),
                                    @ApiResponse(responseCode = "400", description = "Invalid request"),
                                    @ApiResponse(responseCode = "401", description = "Missing, unknown, revoked or "
                                            + "expired key"),
                                    @ApiResponse(responseCode = "403", description = "The key may not use the model"),
                                    @ApiResponse(responseCode = "404", description = "Unknown model"),
                                    @ApiResponse(responseCode = "413", description = "Body too large"),
                                    @ApiResponse(responseCode = "429", description = "insufficient_quota: a budget "
                                            + "cannot cover the request (X-Should-Retry: false); or the upstream "
                                            + "rate limits"),
                                    @ApiResponse(responseCode = "502", description = "The upstream failed; nothing "
                                            + "was charged"),
                                    @ApiResponse(responseCode = "504", description = "The upstream timed out; "
                                            + "nothing was charged")})),
            @RouterOperation(path = "/v1/models", method = RequestMethod.GET, beanClass = ModelsHandler.class,
                    beanMethod = "list", operation = @Operation(operationId = "listModels",
                    tags = "OpenAI-compatible", summary = "The models the presented key may use")),
            @RouterOperation(path = "/v1/models/{model}", method = RequestMethod.GET, beanClass = ModelsHandler.class,
                    beanMethod = "one", operation = @Operation(operationId = "retrieveModel",
                    tags = "OpenAI-compatible", summary = "One model, if the key may use it"))
    })
    RouterFunction<ServerResponse> openAiRouter(ChatCompletionsRoute chat, ModelsHandler models) {
        return route()
                .POST("/v1/chat/completions", chat::handle)
                .GET("/v1/models", models::list)
                .GET("/v1/models/{model}", models::one)
                .build();
    }
}
