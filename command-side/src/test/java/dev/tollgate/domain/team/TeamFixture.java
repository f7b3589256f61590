package dev.tollgate.domain.team;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.team.TeamLimits;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.FeatureMatcher;
import org.hamcrest.Matcher;

/** A Team under test, given its limits as the application gives them. */
final class TeamFixture {

    private TeamFixture() {
    }

    static AggregateTestFixture<Team> withLimits(TeamLimits limits) {
        AggregateTestFixture<Team> fixture = new AggregateTestFixture<>(Team.class);
        fixture.registerInjectableResource(limits);
        return fixture;
    }

    static AggregateTestFixture<Team> create() {
        return withLimits(TeamLimits.DEFAULT);
    }

    /** A refusal for a conflict (the edge's {@code 409}). */
    static Matcher<Throwable> conflict() {
        return new FeatureMatcher<>(org.hamcrest.Matchers.equalTo(CommandRefused.Reason.CONFLICT),
                "a refusal for", "reason") {
            @Override
            protected CommandRefused.Reason featureValueOf(Throwable actual) {
                return actual instanceof CommandRefused refused ? refused.reason() : null;
            }
        };
    }
}
