package dev.tollgate.query.support;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.concurrent.Callable;

/** JDBC blocks: read queries run on Reactor's bounded elastic scheduler, never on an event-loop thread. */
public final class Blocking {

    private Blocking() {
    }

    public static <T> Mono<T> query(Callable<T> query) {
        return Mono.fromCallable(query).subscribeOn(Schedulers.boundedElastic());
    }
}
