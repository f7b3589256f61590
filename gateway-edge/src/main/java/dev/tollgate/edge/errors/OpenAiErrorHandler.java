package dev.tollgate.edge.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.InvalidValue;
import dev.tollgate.edge.database.DatabaseAvailability;
import dev.tollgate.edge.database.DatabaseFailures;
import dev.tollgate.edge.database.DatabaseUnavailable;
import dev.tollgate.query.access.ForbiddenRead;
import dev.tollgate.query.support.BadQuery;
import dev.tollgate.query.support.NotFound;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.eventsourcing.IncompatibleAggregateException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;

import java.util.List;
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
        if (failure instanceof InvalidValue invalid) {
            return ApiError.invalidRequest(invalid.getMessage(), null);
        }
        if (failure instanceof BadQuery bad) {
            return ApiError.invalidRequest(bad.getMessage(), bad.param());
        }
        if (failure instanceof ServerWebInputException input) {
            return unreadable(input);
        }
        if (failure instanceof ResponseStatusException status) {
            return answered(status);
        }
        // any other IllegalArgumentException (a NumberFormatException included) is a bug: a 500 that repeats nothing
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
        return current;
    }

    /**
     * A request Spring could not read into a route's arguments: its body (see {@link JsonInputErrors}), a parameter of
     * the wrong type, a missing one. Spring's and Jackson's own texts name Java types and methods: none is repeated.
     */
    private static ApiError unreadable(ServerWebInputException input) {
        for (Throwable cause = input.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException json) {
                return JsonInputErrors.of(json);
            }
            if (cause instanceof InvalidValue || cause instanceof BadQuery) {
                return toApiError(cause);
            }
        }
        if ("No request body".equals(input.getReason())) {
            return ApiError.invalidRequest(JsonInputErrors.BODY_REQUIRED, null);
        }
        String param = parameterName(input.getMethodParameter());
        if (input instanceof MissingRequestValueException missing) {
            return ApiError.invalidRequest("'" + missing.getName() + "' is required.", missing.getName());
        }
        if (input.getCause() instanceof TypeMismatchException && param != null) {
            return ApiError.invalidRequest("'" + param + "' has the wrong type.", param);
        }
        return ApiError.invalidRequest(input.getCause() instanceof DecodingException
                ? "The request body could not be read." : "The request could not be read.", param);
    }

    /** The name a query parameter or path variable has in the request, or {@code null} for any other argument. */
    private static String parameterName(MethodParameter parameter) {
        if (parameter == null) {
            return null;
        }
        RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        String name = query != null ? query.name() : path != null ? path.name() : null;
        if (name == null) {
            return null;
        }
        return name.isEmpty() ? parameter.getParameterName() : name;
    }

    /** An answer Spring decided (no such route, a method or content type a route does not take): fixed words. */
    private static ApiError answered(ResponseStatusException status) {
        HttpStatus code = HttpStatus.resolve(status.getStatusCode().value());
        if (code == null) {
            code = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        String message = switch (code) {
            case NOT_FOUND -> "No such route.";
            case METHOD_NOT_ALLOWED -> "This route does not take the method " + status.getHeaders().getAllow()
                    .stream().map(Object::toString).sorted().reduce((a, b) -> a + ", " + b)
                    .map(allowed -> "used: it takes " + allowed + ".").orElse("used.");
            case UNSUPPORTED_MEDIA_TYPE -> "The request's Content-Type is not one this route reads: send "
                    + readable(status) + ".";
            case NOT_ACCEPTABLE -> "This route answers in no content type the request's Accept header allows.";
            default -> "The request failed: " + code.getReasonPhrase() + ".";
        };
        return new ApiError(code, code.is5xxServerError() ? "api_error" : "invalid_request_error",
                code == HttpStatus.NOT_FOUND ? "not_found" : code.is5xxServerError() ? "internal_error"
                        : "invalid_request", null, message);
    }

    /**
     * The media type a route refusing a body's Content-Type reads, as Spring listed it: {@code application/json} for
     * a JSON body, else the route's own types ({@code text/csv or text/plain} for a roster).
     */
    private static String readable(ResponseStatusException status) {
        List<MediaType> supported = status instanceof UnsupportedMediaTypeStatusException unsupported
                ? unsupported.getSupportedMediaTypes() : List.of();
        if (supported.isEmpty() || supported.stream().anyMatch(MediaType.APPLICATION_JSON::isCompatibleWith)) {
            return MediaType.APPLICATION_JSON_VALUE;
        }
        return supported.stream().filter(type -> !type.isWildcardType() && !type.isWildcardSubtype())
                .map(type -> type.getType() + "/" + type.getSubtype()).distinct().limit(4)
                .reduce((a, b) -> a + " or " + b).orElse(MediaType.APPLICATION_JSON_VALUE);
    }

    private static String describe(String identifier) {
        return "entity '" + identifier + "'";
    }

}
