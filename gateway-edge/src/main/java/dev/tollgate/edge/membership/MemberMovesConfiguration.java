package dev.tollgate.edge.membership;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/** The default {@link MemberMoves}, used while no other is provided: every team change waits for an admin. */
@Configuration(proxyBeanMethods = false)
public class MemberMovesConfiguration {

    @Bean
    @ConditionalOnMissingBean(MemberMoves.class)
    MemberMoves adminMovesOnly() {
        return (userId, fromTeam, toTeam, actor, reason) -> Mono.error(new MemberMoves.MovePending(
                "Your groups now place you in team '" + toTeam + "', but you are a member of team '" + fromTeam
                        + "'. The team change is pending an admin move: until then you stay in '" + fromTeam
                        + "'. Ask your course's staff or the service desk."));
    }
}
