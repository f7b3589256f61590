package dev.tollgate.projection.directory;

import dev.tollgate.api.key.KeyIssued;
import dev.tollgate.api.key.KeyLimits;
import dev.tollgate.api.key.KeyRevoked;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Budget;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.money.OverBudgetPolicy;
import dev.tollgate.api.team.TeamCreated;
import dev.tollgate.api.team.UserBudgetSet;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.projection.ReadModelDatabase;
import dev.tollgate.projection.access.AccessProjection;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tollgate.readmodel.Tables.API_KEYS;
import static dev.tollgate.readmodel.Tables.TEAMS;
import static dev.tollgate.readmodel.Tables.USERS;
import static org.assertj.core.api.Assertions.assertThat;

class DirectoryProjectionTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final AccountBalance ANY = new AccountBalance(null, BudgetPeriod.NONE, Instant.EPOCH, null, Money.ZERO,
            Money.ZERO);

    DSLContext dsl = ReadModelDatabase.dsl();
    DirectoryProjection projection = new DirectoryProjection(dsl);
    AccessProjection access = new AccessProjection(dsl);

    @BeforeEach
    void clean() {
        ReadModelDatabase.truncateReadTables();
    }

    @Test
    void recordsTeamsUsersAndKeysWithoutAnySecret() {
        projection.on(new TeamCreated("cs", "Computer Science", Budget.of("100", BudgetPeriod.MONTHLY),
                Budget.of("5", BudgetPeriod.MONTHLY), OverBudgetPolicy.CLAMP, "admin", null, T0, ANY));
        projection.on(new UserRegistered("cs", "alice", "alice@uni", "Alice", null, Set.of("course:cs101"), false,
                "admin", T0, ANY));
        projection.on(new UserBudgetSet("cs", "alice", Budget.of("7.5", BudgetPeriod.WEEKLY), null, "admin", "thesis",
                T0, ANY));
        access.on(new KeyIssued("k1", "f".repeat(64), "tg-abcd", "laptop", "cs", "alice", List.of("m1", "m2"),
                null, new KeyLimits(60L, 10_000L), Map.of("owner", "lab 3"), Map.of("course", "cs101"), "admin", T0));
        access.on(new KeyRevoked("k1", "cs", "admin", "lost", T0.plusSeconds(5)));

        var team = dsl.selectFrom(TEAMS).fetchSingle();
        assertThat(team.getBudgetLimit()).isEqualByComparingTo("100");
        assertThat(team.getMemberPeriod()).isEqualTo("monthly");
        var user = dsl.selectFrom(USERS).fetchSingle();
        assertThat(user.getOwnBudget()).isTrue();
        assertThat(user.getBudgetLimit()).isEqualByComparingTo("7.5");
        var key = dsl.selectFrom(API_KEYS).fetchSingle();
        assertThat(key.getAllowedModels()).containsExactly("m1", "m2");
        assertThat(key.getRevokedAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(key.getRevokeReason()).isEqualTo("lost");
        assertThat(key.getRequestsPerMinute()).isEqualTo(60);
        assertThat(key.getDefaultTags().data()).isEqualTo("{\"course\": \"cs101\"}");
        assertThat(user.getTags()).containsExactly("course:cs101");
    }
}
