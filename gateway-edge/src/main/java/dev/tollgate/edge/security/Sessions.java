package dev.tollgate.edge.security;

import dev.tollgate.api.access.Role;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.query.access.ReadScope;
import org.jooq.DSLContext;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import static dev.tollgate.readmodel.Tables.SSO_SESSIONS;

/**
 * Server-side sessions of people who signed in with the identity provider (docs/sso.md). The browser holds a random
 * secret in an HttpOnly, SameSite=Lax cookie (Secure under TLS); {@code sso_sessions} holds its SHA-256 and the
 * principal resolved from the ID token's claims at sign-in, so a role decision never depends on a projection. Every
 * request reads the row: signing out (or an admin ending a user's sessions) takes effect at once, on every node.
 * <p>
 * Every state-changing call made with a session must carry its CSRF token in {@value #CSRF_HEADER}
 * (a synchronizer token: {@code GET /sso/session} tells it to the page).
 */
@Component
public class Sessions {

    public static final String COOKIE = "tollgate_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** The exchange attribute holding the session of a portal or session route. */
    public static final String ATTRIBUTE = Sessions.class.getName() + ".session";

    /**
     * A signed-in person.
     *
     * @param role   a staff role from the claims, or {@code null}
     * @param teams  a manager's teams
     * @param teamId the team the person is a member of (the portal), or {@code null}
     */
    public record Session(String hash, String csrfToken, String issuer, String subject, String userId, Role role,
                          Set<String> teams, String teamId, Instant expiresAt) {

        public Session {
            teams = Set.copyOf(teams);
        }

        /** The staff principal of this session, or {@code null} when the claims gave no staff role. */
        public Principal staffPrincipal() {
            return role == null ? null : new Principal(actor(), role, role == Role.MANAGER ? teams : Set.of(),
                    null, null);
        }

        /** What the audit trail names as the actor: {@code sso:<user id>}. */
        public String actor() {
            return "sso:" + userId;
        }

        public ReadScope memberScope() {
            return ReadScope.ownSpend(userId, teamId);
        }
    }

    private final DSLContext dsl;
    private final TollgateProperties.Sso settings;
    private final Clock clock = Clock.systemUTC();

    public Sessions(DSLContext dsl, TollgateProperties properties) {
        this.dsl = dsl;
        this.settings = properties.sso();
    }

    /** Starts a session and answers its secret (for the cookie; only its hash is stored). Blocking. */
    public String start(String issuer, String subject, String userId, Role role, Set<String> teams, String teamId) {
        String secret = KeySecrets.newSecret();
        Instant now = clock.instant();
        dsl.insertInto(SSO_SESSIONS)
                .set(SSO_SESSIONS.SESSION_HASH, KeySecrets.hash(secret))
                .set(SSO_SESSIONS.CSRF_TOKEN, KeySecrets.newSecret().substring(3))
                .set(SSO_SESSIONS.ISSUER, issuer)
                .set(SSO_SESSIONS.SUBJECT, subject)
                .set(SSO_SESSIONS.USER_ID, userId)
                .set(SSO_SESSIONS.ROLE, role == null ? null : role.wireName())
                .set(SSO_SESSIONS.TEAMS, teams.stream().sorted().toArray(String[]::new))
                .set(SSO_SESSIONS.TEAM_ID, teamId)
                .set(SSO_SESSIONS.CREATED_AT, now)
                .set(SSO_SESSIONS.EXPIRES_AT, now.plus(settings.sessionTtl()))
                .execute();
        return secret;
    }

    /** The live session whose secret the request's cookie carries. Blocking. */
    public Optional<Session> find(ServerHttpRequest request) {
        HttpCookie cookie = request.getCookies().getFirst(COOKIE);
        if (cookie == null || cookie.getValue().isBlank() || cookie.getValue().length() > 200) {
            return Optional.empty();
        }
        return dsl.selectFrom(SSO_SESSIONS)
                .where(SSO_SESSIONS.SESSION_HASH.eq(KeySecrets.hash(cookie.getValue())))
                .and(SSO_SESSIONS.EXPIRES_AT.gt(clock.instant()))
                .fetchOptional()
                .map(row -> new Session(row.getSessionHash(), row.getCsrfToken(), row.getIssuer(), row.getSubject(),
                        row.getUserId(), row.getRole() == null ? null : Role.fromWireName(row.getRole()),
                        Set.copyOf(Arrays.asList(row.getTeams())), row.getTeamId(), row.getExpiresAt()));
    }

    /** Ends a session at once. Blocking. */
    public void end(Session session) {
        dsl.deleteFrom(SSO_SESSIONS).where(SSO_SESSIONS.SESSION_HASH.eq(session.hash())).execute();
    }

    /** Ends every session of a user at once (an admin's decision). Blocking. */
    public int endAllOf(String userId) {
        return dsl.deleteFrom(SSO_SESSIONS).where(SSO_SESSIONS.USER_ID.eq(userId)).execute();
    }

    /**
     * Ends at once every portal session of a user that acts for a team other than {@code teamId} (they moved there):
     * such a session would read and act for a team they left. Their sessions for {@code teamId} (a sign-in that moved
     * them) and their staff sessions without a team stay. Blocking.
     */
    public int endPortalSessionsOutside(String userId, String teamId) {
        return dsl.deleteFrom(SSO_SESSIONS).where(SSO_SESSIONS.USER_ID.eq(userId))
                .and(SSO_SESSIONS.TEAM_ID.isNotNull())
                .and(SSO_SESSIONS.TEAM_ID.ne(teamId))
                .execute();
    }

    /** Whether a state-changing call made with this session carries its CSRF token. */
    public static boolean csrfMatches(Session session, ServerHttpRequest request) {
        String presented = request.getHeaders().getFirst(CSRF_HEADER);
        return presented != null && KeySecrets.same(session.csrfToken(), presented);
    }

    /** The session cookie: HttpOnly, SameSite=Lax, Secure under TLS; {@code maxAge} zero deletes it. */
    public ResponseCookie cookie(String value, Duration maxAge, ServerHttpRequest request) {
        return ResponseCookie.from(COOKIE, value).httpOnly(true).sameSite("Lax").path("/")
                .secure(secure(request)).maxAge(maxAge).build();
    }

    /** Whether cookies get the Secure flag for this request. */
    public boolean secure(ServerHttpRequest request) {
        return switch (settings.secureCookie()) {
            case "always" -> true;
            case "never" -> false;
            default -> "https".equals(request.getURI().getScheme())
                    || settings.baseUrl() != null && settings.baseUrl().startsWith("https:");
        };
    }

    /** Forgets ended sessions (they are refused anyway once past their end). */
    @Scheduled(fixedDelay = 3_600_000L, initialDelay = 600_000L)
    void sweep() {
        dsl.deleteFrom(SSO_SESSIONS).where(SSO_SESSIONS.EXPIRES_AT.lt(clock.instant().minus(Duration.ofHours(1))))
                .execute();
    }
}
