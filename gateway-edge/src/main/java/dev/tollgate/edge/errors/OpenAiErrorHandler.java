package dev.tollgate.edge.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.edge.database.DatabaseAvailability;
import dev.tollgate.edge.database.DatabaseFailures;
import dev.tollgate.edge.database.DatabaseUnavailable;
import dev.tollgate.query.access.ForbiddenRead;
import dev.tollgate.query.support.NotFound;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.eventsourcing.IncompatibleAggregateException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Every error of every route, in OpenAI's error shape. Admin and read routes use the same shape so that clients
 * handle one format.
 */
@Component
@Order(-2) // before Spring Boot's default error handler
public class OpenAiErrorHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(OpenAiErrorHandler.class);
    private static final java.time.Duration DEFAULT_RETRY_AFTER = java.time.Duration.ofSeconds(2);
    private static final java.time.Duration CONCURRENT_CHANGE_RETRY_AFTER = java.time.Duration.ofSeconds(1);

    private final ObjectMapper json;
    private final DatabaseAvailability database;

    public OpenAiErrorHandler(ObjectMapper json, DatabaseAvailability database) {
        this.json = json;
        this.database = database;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        ServerHttpResponse response = exchange.getResponse();
        if (failure instanceof AbortedException || response.isCommitted()) {
            // The client went away (or the answer had begun): nobody is left to read an error.
            return Mono.empty();
        }
        Throwable cause = unwrap(failure);
        // a request that could not reach the database marks it down: the requests behind it fail fast
        database.report(cause);
        ApiError error = DatabaseFailures.involvesJdbc(cause) && !database.isUp()
                ? toApiError(database.unavailable()) // a JDBC failure while the database is known to be gone
                : toApiError(cause);
        response.setStatusCode(error.status());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        error.headers().forEach((name, value) -> response.getHeaders().set(name, value));
        byte[] body;
        try {
            body = json.writeValueAsBytes(OpenAiErrorBody.of(error));
        } catch (JsonProcessingException e) {
            return Mono.error(e);
        }
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    public static ApiError toApiError(Throwable failure) {
        if (failure instanceof ApiError apiError) {
            return apiError;
        }
        if (failure instanceof CommandRefused refused) {
            return switch (refused.reason()) {
                case NOT_FOUND -> ApiError.notFound(refused.getMessage());
                case CONFLICT -> ApiError.conflict(refused.getMessage());
                case INVALID -> ApiError.invalidRequest(refused.getMessage(), null);
                case LIMIT_REACHED -> ApiError.forbidden(refused.code(), refused.getMessage());
                case FORBIDDEN -> ApiError.forbidden("permission_denied", refused.getMessage());
            };
        }
        if (failure instanceof ForbiddenRead forbidden) {
            return ApiError.forbidden("permission_denied", forbidden.getMessage());
        }
        if (failure instanceof NotFound notFound) {
            return ApiError.notFound(notFound.getMessage());
        }
        if (failure instanceof AggregateNotFoundException missing) {
            return ApiError.notFound("No such " + describe(String.valueOf(missing.getAggregateIdentifier())) + ".");
        }
        if (failure instanceof AggregateStreamCreationException) {
            return ApiError.conflict("It already exists: choose another id.");
        }
        if (failure instanceof ConcurrencyException) {
            // another node appended to the same record's stream at that moment (a retry racing the distributor, say):
            // nothing was recorded for this request, and sending it again decides on the record as it now is
            return ApiError.serviceUnavailable("Another change to the same record was recorded at that moment; "
                    + "nothing was recorded for this request: send it again.", CONCURRENT_CHANGE_RETRY_AFTER);
        }
        if (failure instanceof IncompatibleAggregateException) {
            // a record created if missing (a cohort boost, say) with the id of another kind of record (a team's): Axon
            // loads that record's stream and finds no such aggregate in it
            return new ApiError(HttpStatus.CONFLICT, "invalid_request_error", "conflict", "id",
                    "The id is taken by another kind of record: choose another id.");
        }
        if (failure instanceof DatabaseUnavailable unavailable) {
            return ApiError.serviceUnavailable(unavailable.getMessage(), unavailable.retryAfter());
        }
        if (DatabaseFailures.isUnavailable(failure)) {
            log.warn("The database could not be reached: {}", failure.toString());
            return ApiError.serviceUnavailable(new DatabaseUnavailable(DEFAULT_RETRY_AFTER).getMessage(),
                    DEFAULT_RETRY_AFTER);
        }
        if (failure instanceof IllegalArgumentException invalid) {
            return ApiError.invalidRequest(invalid.getMessage(), null);
        }
        if (failure instanceof ServerWebInputException input) {
            Throwable cause = input.getMostSpecificCause();
            String detail = cause instanceof DecodingException || cause instanceof JsonProcessingException
                    ? "The request body is not valid JSON of the expected shape: " + firstLine(cause.getMessage())
                    : input.getReason();
            if (cause instanceof IllegalArgumentException invalid) {
                detail = invalid.getMessage();
            }
            return ApiError.invalidRequest(detail, null);
        }
        if (failure instanceof ResponseStatusException status) {
            HttpStatus code = HttpStatus.resolve(status.getStatusCode().value());
            return new ApiError(code == null ? HttpStatus.INTERNAL_SERVER_ERROR : code, "invalid_request_error",
                    code == HttpStatus.NOT_FOUND ? "not_found" : "invalid_request", null,
                    code == HttpStatus.NOT_FOUND ? "No such route." : String.valueOf(status.getReason()));
        }
        log.error("Unexpected failure", failure);
        return ApiError.internal("Tollgate failed to handle the request; nothing was charged twice. "
                + "The operator can find the cause in the logs.");
    }

    public static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        if (current instanceof ServerWebInputException input && input.getCause() != null
                && input.getMostSpecificCause() instanceof IllegalArgumentException) {
            return input;
        }
        return current;
    }

    private static String describe(String identifier) {
        return "entity '" + identifier + "'";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
