package dev.tollgate.edge.admin;

import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** An admin route's command goes when its answer is subscribed to, after the checks before it, never when assembled. */
class AdminSupportTest {

    @Test
    void aCommandIsSentOnlyWhenTheAnswerIsSubscribedToAfterTheChecksBeforeIt() {
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        AtomicInteger handled = new AtomicInteger();
        bus.subscribe(SetSomething.class.getName(), message -> handled.incrementAndGet());
        CommandGateway commands = DefaultCommandGateway.builder().commandBus(bus).build();

        Mono<Object> answer = Mono.<Object>error(new IllegalStateException("refused"))
                .then(AdminSupport.send(commands, new SetSomething("x")));
        assertThat(handled).as("assembled, not subscribed to").hasValue(0);

        assertThat(answer.onErrorResume(IllegalStateException.class, refused -> Mono.just("refused")).block())
                .isEqualTo("refused");
        assertThat(handled).as("the check before it refused").hasValue(0);

        assertThat(AdminSupport.send(commands, new SetSomething("y")).block()).isEqualTo(1);
        assertThat(handled).hasValue(1);
    }

    record SetSomething(String value) {
    }
}
