package dev.tollgate.projection.membership;

import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.BudgetPeriod;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.move.UserMovedIn;
import dev.tollgate.api.team.UserRegistered;
import dev.tollgate.projection.ReadModelDatabase;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import static dev.tollgate.readmodel.Tables.USER_ID_CLAIMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The team that holds each user id: a registration claims it, a move hands it on, another team is refused. */
class UserIdClaimsTest {

    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final AccountBalance ANY = new AccountBalance(null, BudgetPeriod.NONE, Instant.EPOCH, null, Money.ZERO,
            Money.ZERO);

    DSLContext dsl = ReadModelDatabase.dsl();
    UserIdClaims claims = new UserIdClaims(dsl);
    String user = "u-" + UUID.randomUUID();

    @Test
    void aRegistrationClaimsTheIdAndAnotherTeamsIsRefused() {
        claims.on(registered("cs", user, false));

        assertThatThrownBy(() -> claims.on(registered("math", user, false)))
                .isInstanceOfSatisfying(CommandRefused.class, refused -> {
                    assertThat(refused.reason()).isEqualTo(CommandRefused.Reason.CONFLICT);
                    assertThat(refused.getMessage()).isEqualTo("User '" + user + "' already exists (team 'cs'): "
                            + "user ids are unique across teams.");
                });
        assertThat(holder()).isEqualTo("cs");
    }

    @Test
    void theSameTeamRegisteringTheIdAgainReadmitsThem() {
        claims.on(registered("cs", user, false));
        claims.on(registered("cs", user, false));

        assertThat(holder()).isEqualTo("cs");
    }

    @Test
    void aTeamKeysUserIsRefusedWithoutNamingTheTeamThatHoldsTheId() {
        claims.on(registered("squatter", user, false));

        assertThatThrownBy(() -> claims.on(registered("cs", user, true)))
                .isInstanceOfSatisfying(CommandRefused.class, refused -> {
                    assertThat(refused.reason()).isEqualTo(CommandRefused.Reason.LIMIT_REACHED);
                    assertThat(refused.code()).isEqualTo("permission_denied");
                    assertThat(refused.getMessage()).contains("unique across teams").doesNotContain("squatter");
                });
    }

    @Test
    void aMoveHandsTheIdToTheNewTeamAndBack() {
        claims.on(registered("cs", user, false));

        claims.on(movedIn("math", "cs"));
        assertThat(holder()).isEqualTo("math");
        assertThatThrownBy(() -> claims.on(registered("cs", user, false))).isInstanceOf(CommandRefused.class);

        claims.on(movedIn("math", "cs")); // the same admission seen again
        claims.on(movedIn("cs", "math"));
        assertThat(holder()).isEqualTo("cs");
    }

    @Test
    void aMoveHandsOnAnIdWhateverTeamHeldIt() {
        claims.on(registered("cs", user, false)); // and, before V13, in "math" too: a move from there goes ahead

        claims.on(movedIn("physics", "math"));

        assertThat(holder()).isEqualTo("physics");
    }

    private UserRegistered registered(String team, String userId, boolean auto) {
        return new UserRegistered(team, userId, null, null, null, Set.of(), auto, "admin", T0, ANY);
    }

    private UserMovedIn movedIn(String team, String from) {
        return new UserMovedIn("move-1", team, user, from, null, Set.of(), "admin", "changed course", T0, ANY);
    }

    private String holder() {
        return dsl.select(USER_ID_CLAIMS.TEAM_ID).from(USER_ID_CLAIMS).where(USER_ID_CLAIMS.USER_ID.eq(user))
                .fetchOne(USER_ID_CLAIMS.TEAM_ID);
    }
}
