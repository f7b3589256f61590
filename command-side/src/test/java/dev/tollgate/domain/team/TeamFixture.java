package dev.tollgate.domain.team;

import dev.tollgate.api.team.TeamLimits;
import org.axonframework.test.aggregate.AggregateTestFixture;

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
}
