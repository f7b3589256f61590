package dev.tollgate.edge.sso;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.Limits;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.errors.Echo;
import dev.tollgate.edge.errors.OpenAiErrorHandler;
import dev.tollgate.edge.membership.MemberMoves;
import dev.tollgate.edge.security.Sessions;
import dev.tollgate.query.support.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.HtmlUtils;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.tollgate.readmodel.Tables.SSO_LOGINS;

/**
 * Sign-in with the identity provider (docs/sso.md): {@code /sso/login} sends the browser to the provider,
 * {@code /sso/callback} takes its answer, checks it, places the person by their groups and starts a server-side
 * session; {@code /sso/session} tells the page who is signed in (and the CSRF token); {@code /sso/logout} ends the
 * session here and, when the provider offers it, there too. Refusals are pages that say why, in plain words, for a
 * browser; for any other client they are OpenAI-shaped JSON errors like every other route's.
 */
@RestController
@Tag(name = "Sign-in", description = "Sign-in with the organisation's identity provider (OpenID Connect)")
public class SsoController {

    private static final Logger log = LoggerFactory.getLogger(SsoController.class);
    static final String STATE_COOKIE = "tollgate_sso_state";

    private final TollgateProperties.Sso settings;
    private final OidcClient oidc;
    private final SsoRules rules;
    private final Sessions sessions;
    private final Provisioning provisioning;
    private final DSLContext dsl;
    private final Clock clock = Clock.systemUTC();

    public SsoController(TollgateProperties properties, OidcClient oidc, Sessions sessions, Provisioning provisioning,
                         DSLContext dsl) {
        this.settings = properties.sso();
        this.oidc = oidc;
        this.rules = new SsoRules(settings);
        this.sessions = sessions;
        this.provisioning = provisioning;
        this.dsl = dsl;
    }

    /** Where the sign-in leads: the admin UI or the portal. */
    enum Target {
        UI("/ui/"), PORTAL("/portal/");

        final String path;

        Target(String path) {
            this.path = path;
        }

        static Target of(String value) {
            return "portal".equals(value) ? PORTAL : UI;
        }
    }

    @GetMapping("/sso/login")
    @Operation(summary = "Start a sign-in: redirects to the identity provider (to=ui or to=portal)")
    public Mono<ResponseEntity<String>> login(@RequestParam(name = "to", required = false) String to,
                                              ServerWebExchange exchange) {
        if (!settings.enabled()) {
            return refuse(exchange, HttpStatus.NOT_FOUND, "Single sign-on is not set up",
                    "This Tollgate has no identity provider configured. Staff sign in with a key.");
        }
        Target target = Target.of(to);
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        ServerHttpRequest request = exchange.getRequest();
        return Blocking.query(() -> {
            Instant now = clock.instant();
            dsl.insertInto(SSO_LOGINS)
                    .set(SSO_LOGINS.STATE, state.getValue())
                    .set(SSO_LOGINS.NONCE, nonce.getValue())
                    .set(SSO_LOGINS.CODE_VERIFIER, verifier.getValue())
                    .set(SSO_LOGINS.TARGET, target.name())
                    .set(SSO_LOGINS.CREATED_AT, now)
                    .set(SSO_LOGINS.EXPIRES_AT, now.plus(settings.loginTtl()))
                    .execute();
            dsl.deleteFrom(SSO_LOGINS).where(SSO_LOGINS.EXPIRES_AT.lt(now)).execute();
            return oidc.authorizationUri(state, nonce, verifier, redirectUri(request));
        }).map(uri -> ResponseEntity.status(HttpStatus.FOUND).location(uri)
                .header(HttpHeaders.SET_COOKIE, stateCookie(state.getValue(), settings.loginTtl(), request).toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .<String>build()
        ).onErrorResume(OidcClient.SignInRefused.class, e -> refuse(exchange, HttpStatus.BAD_GATEWAY,
                "The identity provider cannot be reached", e.getMessage()));
    }

    private record Attempt(String nonce, String verifier, Target target) {
    }

    private record SignedIn(String secret, Target target) {
    }

    @GetMapping("/sso/callback")
    @Operation(summary = "The identity provider's answer (the redirect URI to register at the provider)")
    public Mono<ResponseEntity<String>> callback(@RequestParam(required = false) String code,
                                                 @RequestParam(required = false) String state,
                                                 @RequestParam(required = false) String error,
                                                 ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        if (!settings.enabled()) {
            return refuse(exchange, HttpStatus.NOT_FOUND, "Single sign-on is not set up", "No identity provider.");
        }
        if (error != null) {
            return refuse(exchange, HttpStatus.UNAUTHORIZED, "You were not signed in",
                    "The identity provider did not sign you in (" + Echo.of(error) + ").");
        }
        HttpCookie stateCookie = request.getCookies().getFirst(STATE_COOKIE);
        if (code == null || state == null || stateCookie == null || !stateCookie.getValue().equals(state)) {
            return refuse(exchange, HttpStatus.BAD_REQUEST, "This sign-in cannot be completed",
                    "The answer does not belong to a sign-in started in this browser. Start again.");
        }
        return Blocking.query(() -> dsl.deleteFrom(SSO_LOGINS).where(SSO_LOGINS.STATE.eq(state))
                        .and(SSO_LOGINS.EXPIRES_AT.gt(clock.instant()))
                        .returning().fetchOptional()
                        .map(row -> new Attempt(row.getNonce(), row.getCodeVerifier(), Target.valueOf(row.getTarget())))
                        .orElseThrow(() -> new SignInProblem(HttpStatus.BAD_REQUEST, "This sign-in has expired",
                                "It took too long, or this answer was already used. Start again.")))
                .flatMap(attempt -> Blocking.query(() -> oidc.redeem(new AuthorizationCode(code),
                        new CodeVerifier(attempt.verifier()), new Nonce(attempt.nonce()), redirectUri(request)))
                        .flatMap(claims -> signIn(claims, attempt.target())))
                .map(signedIn -> ResponseEntity.status(HttpStatus.FOUND).location(URI.create(signedIn.target().path))
                        .header(HttpHeaders.SET_COOKIE, sessions.cookie(signedIn.secret(), settings.sessionTtl(),
                                request).toString())
                        .header(HttpHeaders.SET_COOKIE, stateCookie("", Duration.ZERO, request).toString())
                        .header(HttpHeaders.CACHE_CONTROL, "no-store")
                        .<String>build())
                .onErrorResume(failure -> refusal(exchange, failure));
    }

    private Mono<SignedIn> signIn(JWTClaimsSet claims, Target target) {
        String issuer = claims.getIssuer();
        String subject = claims.getSubject();
        Object rawUserId = claims.getClaim(settings.userIdClaim());
        String userId = rawUserId == null ? null : rawUserId.toString();
        // registered as an admin registers a member (RegisterUser): an id of at most Limits.ID characters
        if (!Limits.isId(userId, Limits.ID)) {
            return Mono.error(new SignInProblem(HttpStatus.FORBIDDEN, "Your account cannot be used here",
                    "Your sign-in carries no usable '" + settings.userIdClaim() + "' claim for a user id."));
        }
        String name = attribute(claims.getClaim(settings.nameClaim()), Limits.NAME, "name", userId);
        String email = settings.emailClaim() == null || settings.emailClaim().isBlank() ? null
                : attribute(claims.getClaim(settings.emailClaim()), Limits.EMAIL, "email", userId);
        Collection<String> groups = groups(claims.getClaim(settings.groupsClaim()));
        return Blocking.query(() -> provisioning.currentTeam(userId))
                .flatMap(currentTeam -> signIn(issuer, subject, userId, name, email,
                        rules.decide(groups, currentTeam.orElse(null)), target));
    }

    private Mono<SignedIn> signIn(String issuer, String subject, String userId, String name, String email,
                                  SsoRules.Decision decision, Target target) {
        if (decision.grantsNothing()) {
            return leaveIfProvisioned(issuer, subject, userId).then(Mono.error(new SignInProblem(HttpStatus.FORBIDDEN,
                    "No access for " + userId,
                    "You signed in as " + userId + ", but none of your groups gives access to this LLM service. "
                            + "Students get access through their course's group, staff through a staff group. "
                            + "If you think you should have access, ask your course's staff or the service desk.")));
        }
        if (target == Target.UI && decision.role() == null) {
            return Mono.error(new SignInProblem(HttpStatus.FORBIDDEN, "The admin pages are for staff",
                    "You signed in as " + userId + ": none of your groups gives a staff role. "
                            + "Your own budget, costs and keys are in the portal at /portal/."));
        }
        if (target == Target.PORTAL && decision.teamId() == null) {
            return leaveIfProvisioned(issuer, subject, userId).then(Mono.error(new SignInProblem(HttpStatus.FORBIDDEN,
                    "No course for " + userId,
                    "You signed in as " + userId + ", but none of your groups places you in a course or team, so "
                            + "there is no budget for you here. Ask your course's staff to add you to its group."
                            + (decision.role() != null ? " Staff pages are at /ui/." : ""))));
        }
        return membership(issuer, subject, userId, name, email, decision, target)
                .map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(teamId -> Blocking.query(() -> {
                    String secret = sessions.start(issuer, subject, userId, decision.role(), decision.managedTeams(),
                            teamId.orElse(null));
                    log.info("Signed in with SSO: {} (role {}, team {})", userId, decision.role(),
                            teamId.orElse(null));
                    return new SignedIn(secret, target);
                }));
    }

    /**
     * Before a sign-in whose groups place the person in no team is refused: when the user id is this identity's (it is
     * not linked here; another identity is refused) and Tollgate provisioned them as a member, they leave their team.
     */
    private Mono<Void> leaveIfProvisioned(String issuer, String subject, String userId) {
        return provisioning.confirm(issuer, subject, userId).flatMap(provisioning::leaveIfProvisioned);
    }

    /**
     * Binds the user id to this identity (or finds it bound to it: another identity is refused) and provisions the
     * member: completes with the team the session carries, or empty for none. Every sign-in passes here before its
     * session starts, staff too. A staff member signing in to the admin UI whose groups also match a team rule (an
     * admin in a {@code phd-students} group) is not refused because that membership cannot be provisioned: the
     * failure is logged, and their staff session starts without a team, once their identity is confirmed.
     */
    private Mono<String> membership(String issuer, String subject, String userId, String name, String email,
                                    SsoRules.Decision decision, Target target) {
        if (decision.teamId() == null) {
            // staff whose groups place them in no team: a member Tollgate provisioned leaves their team (best effort:
            // a failure is logged, and tried again at their next sign-in)
            return provisioning.link(issuer, subject, userId, null, decision)
                    .flatMap(link -> provisioning.leaveIfProvisioned(link).onErrorResume(failure -> {
                        log.warn("SSO sign-in of {}: no group of theirs maps to a team any more, but leaving their "
                                + "team failed ({})", userId, OpenAiErrorHandler.unwrap(failure).getMessage());
                        return Mono.empty();
                    }))
                    .then(Mono.empty());
        }
        Mono<String> provisioned = provisioning.provision(issuer, subject, userId, name, email, decision)
                .thenReturn(decision.teamId());
        if (target == Target.PORTAL) {
            return provisioned;
        }
        return provisioned.onErrorResume(failure -> {
            log.warn("SSO sign-in of {} to the admin UI: their groups place them in team {}, but that membership was "
                    + "not provisioned ({}); the staff session starts without it", userId, decision.teamId(),
                    OpenAiErrorHandler.unwrap(failure).getMessage());
            // the failure may have come before (or from) the identity's binding: bound, or refused, here
            return provisioning.link(issuer, subject, userId, null, decision).then(Mono.empty());
        });
    }

    /**
     * A name or email claim as Tollgate keeps it: one line of at most {@code max} characters. One with NUL, a line
     * break or another control character, or a longer one, is left out (the person signs in without it): it could not
     * be registered, and PostgreSQL could not store a NUL.
     */
    private static String attribute(Object claim, int max, String what, String userId) {
        if (claim == null) {
            return null;
        }
        String value = claim.toString();
        if (value.isBlank()) {
            return null;
        }
        if (!Limits.isLine(value, max)) {
            log.warn("The identity provider's {} claim for {} is left out: {}", what, userId,
                    value.length() > max ? "longer than " + max + " characters" : "it holds control characters");
            return null;
        }
        return value;
    }

    private static Collection<String> groups(Object claim) {
        if (claim instanceof Collection<?> values) {
            return values.stream().map(String::valueOf).toList();
        }
        if (claim instanceof String value) {
            return List.of(value);
        }
        return List.of();
    }

    /** Who is signed in, and the CSRF token every state-changing call of the page must carry. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SessionInfo(boolean enabled, String displayName, boolean signedIn, String userId, String role,
                              Set<String> teams, String teamId, String csrfToken, Instant expiresAt) {
    }

    @GetMapping("/sso/session")
    @Operation(summary = "Who is signed in with the identity provider (and the session's CSRF token)")
    public Mono<ResponseEntity<SessionInfo>> session(ServerWebExchange exchange) {
        return Blocking.query(() -> sessions.find(exchange.getRequest()).map(session -> new SessionInfo(
                        settings.enabled(), settings.displayName(), true, session.userId(),
                        session.role() == null ? null : session.role().wireName(), session.teams(), session.teamId(),
                        session.csrfToken(), session.expiresAt()))
                .orElse(new SessionInfo(settings.enabled(), settings.displayName(), false, null, null, Set.of(), null,
                        null, null)))
                .map(info -> ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").body(info));
    }

    /** Where the browser goes after signing out. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SignedOut(String redirect) {
    }

    @PostMapping("/sso/logout")
    @Operation(summary = "Sign out: ends the session at once; answers where to go (the provider's logout, if any)")
    public Mono<ResponseEntity<SignedOut>> logout(ServerWebExchange exchange) {
        Sessions.Session session = exchange.getAttribute(Sessions.ATTRIBUTE);
        if (session == null) {
            throw ApiError.invalidApiKey("You are not signed in.");
        }
        ServerHttpRequest request = exchange.getRequest();
        return Blocking.query(() -> {
            sessions.end(session);
            String after = base(request) + "/sso/signed-out";
            String redirect;
            try {
                redirect = oidc.endSessionUri(URI.create(after)).map(URI::toString).orElse(after);
            } catch (OidcClient.SignInRefused e) {
                redirect = after;
            }
            return redirect;
        }).map(redirect -> ResponseEntity.ok()
                .header(HttpHeaders.SET_COOKIE, sessions.cookie("", Duration.ZERO, request).toString())
                .body(new SignedOut(redirect)));
    }

    @GetMapping("/sso/signed-out")
    @Operation(summary = "The page shown after signing out")
    public ResponseEntity<String> signedOut() {
        return page(HttpStatus.OK, "You are signed out",
                "Your Tollgate session has ended. <a href=\"/portal/\">Portal</a> · <a href=\"/ui/\">Admin</a>", true);
    }

    private URI redirectUri(ServerHttpRequest request) {
        return URI.create(base(request) + "/sso/callback");
    }

    private String base(ServerHttpRequest request) {
        if (settings.baseUrl() != null && !settings.baseUrl().isBlank()) {
            return settings.baseUrl().replaceAll("/+$", "");
        }
        URI uri = request.getURI();
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private ResponseCookie stateCookie(String value, Duration maxAge, ServerHttpRequest request) {
        return ResponseCookie.from(STATE_COOKIE, value).httpOnly(true).sameSite("Lax").path("/sso/")
                .secure(sessions.secure(request)).maxAge(maxAge).build();
    }

    /** A refusal with a page that says why. */
    static final class SignInProblem extends RuntimeException {

        final HttpStatus status;
        final String title;

        SignInProblem(HttpStatus status, String title, String message) {
            super(message, null, false, false);
            this.status = status;
            this.title = title;
        }
    }

    private Mono<ResponseEntity<String>> refusal(ServerWebExchange exchange, Throwable failure) {
        Throwable cause = OpenAiErrorHandler.unwrap(failure);
        if (cause instanceof SignInProblem problem) {
            return refuse(exchange, problem.status, problem.title, problem.getMessage());
        }
        if (cause instanceof OidcClient.SignInRefused refused) {
            log.warn("SSO sign-in refused: {}", refused.getMessage());
            return refuse(exchange, HttpStatus.UNAUTHORIZED, "You were not signed in", refused.getMessage());
        }
        if (cause instanceof MemberMoves.MovePending pending) {
            return refuse(exchange, HttpStatus.CONFLICT, "Team change pending an admin move", pending.getMessage());
        }
        if (cause instanceof CommandRefused refused && refused.reason() == CommandRefused.Reason.NOT_FOUND) {
            return refuse(exchange, HttpStatus.CONFLICT, "Your course is not set up yet",
                    "Your groups place you in a team Tollgate does not have yet (" + refused.getMessage()
                            + "). Ask your course's staff to create it.");
        }
        if (cause instanceof CommandRefused refused) {
            return refuse(exchange, HttpStatus.FORBIDDEN, "Your account cannot be used here", refused.getMessage());
        }
        ApiError error = OpenAiErrorHandler.toApiError(cause);
        return refuse(exchange, HttpStatus.valueOf(error.status().value()), "You were not signed in", error.getMessage());
    }

    /**
     * A refusal, negotiated on the request's {@code Accept}: a browser (it prefers {@code text/html}) is shown a page
     * that says why in plain words; any other client (a script, an SDK, curl) gets the OpenAI-shaped JSON error every
     * other route answers, with the same words.
     */
    private static Mono<ResponseEntity<String>> refuse(ServerWebExchange exchange, HttpStatus status, String title,
                                                       String message) {
        if (prefersHtml(exchange.getRequest().getHeaders())) {
            return Mono.just(page(status, title, message));
        }
        return Mono.error(new ApiError(status, status.is5xxServerError() ? "api_error" : "invalid_request_error",
                errorCode(status), null, title + ". " + message));
    }

    private static String errorCode(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "invalid_request";
            case FORBIDDEN -> "permission_denied";
            case NOT_FOUND -> "not_found";
            case CONFLICT -> "conflict";
            case BAD_GATEWAY -> "identity_provider_unavailable";
            default -> "sign_in_refused";
        };
    }

    /**
     * Whether the client asks for a page: {@code text/html} (or XHTML) named with a quality above zero and at least
     * that of JSON, as browsers ask when they navigate. No {@code Accept}, {@code *}{@code /*}, JSON or an
     * unreadable header: not a page.
     */
    static boolean prefersHtml(HttpHeaders headers) {
        List<MediaType> accepted;
        try {
            accepted = headers.getAccept();
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
        double html = 0;
        double json = 0;
        for (MediaType type : accepted) {
            if (type.isWildcardType() || type.isWildcardSubtype()) {
                continue;
            }
            double quality = type.getQualityValue();
            if (type.isCompatibleWith(MediaType.TEXT_HTML) || type.isCompatibleWith(MediaType.APPLICATION_XHTML_XML)) {
                html = Math.max(html, quality);
            } else if (type.isCompatibleWith(MediaType.APPLICATION_JSON) || "json".equals(type.getSubtypeSuffix())) {
                json = Math.max(json, quality);
            }
        }
        return html > 0 && html >= json;
    }

    /** The pages' only style, inline: their Content-Security-Policy allows exactly it, by its hash, and nothing else. */
    private static final String STYLE = "body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;"
            + "padding:0 1rem;color:#1d2433}\nh1{font-size:1.4rem}.box{border:1px solid #d5dae3;border-radius:8px;"
            + "padding:1rem 1.25rem;background:#f7f8fa}\na{color:#2457c5}";

    /** No script, no framing, no base tag, no form; the one inline style; the browser sends no referrer. */
    static final String PAGE_POLICY = "default-src 'none'; style-src '" + sha256(STYLE) + "'; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";

    private static String sha256(String text) {
        try {
            return "sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static ResponseEntity<String> page(HttpStatus status, String title, String message) {
        return page(status, title, HtmlUtils.htmlEscape(message), false);
    }

    private static ResponseEntity<String> page(HttpStatus status, String title, String html, boolean trusted) {
        String body = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>%s · Tollgate</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>%s</style></head>
                <body><main><h1 id="title">%s</h1><div class="box"><p id="reason">%s</p></div>
                <p><a href="/sso/login?to=portal">Sign in again</a></p></main></body></html>
                """.formatted(HtmlUtils.htmlEscape(title), STYLE, HtmlUtils.htmlEscape(title), html);
        return ResponseEntity.status(status).contentType(MediaType.TEXT_HTML)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("Content-Security-Policy", PAGE_POLICY)
                .body(body);
    }
}
