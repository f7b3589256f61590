package dev.tollgate.edge.errors;

import org.axonframework.eventsourcing.IncompatibleAggregateException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;

/** How the command side's own failures reach a client: never as a server error with Axon's message. */
class AxonFailuresAnsweredTest {

    @Test
    void aConcurrentAppendToTheSameRecordIsAServiceUnavailableToSendAgain() {
        ApiError error = OpenAiErrorHandler.toApiError(new ConcurrencyException("aggregate 'b1' sequence 3 taken"));
        assertThat(error.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(error.code()).isEqualTo("service_unavailable");
        assertThat(error.headers()).containsEntry("Retry-After", "1");
        assertThat(error.getMessage()).contains("send it again").doesNotContain("aggregate", "sequence");
    }

    @Test
    void anIdOfAnotherKindOfRecordIsAConflictOnTheId() {
        ApiError error = OpenAiErrorHandler.toApiError(new IncompatibleAggregateException("no identifier"));
        assertThat(error.status()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(error.code()).isEqualTo("conflict");
        assertThat(error.param()).isEqualTo("id");
        assertThat(OpenAiErrorHandler.toApiError(new AggregateStreamCreationException("exists")).status())
                .isEqualTo(HttpStatus.CONFLICT);
    }
}
