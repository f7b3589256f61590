package dev.tollgate.edge.sso;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.tollgate.edge.config.TollgateProperties;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The relying party's side of OpenID Connect, with the Nimbus OAuth 2.0 / OIDC SDK: discovery of the provider
 * from its issuer URL, the authorization code flow with PKCE (S256), and validation of the ID token (its issuer,
 * audience, expiry, signature by the provider's JWKS, and the nonce of this sign-in). Blocking: call it off the
 * event loop. Who may then do what is decided elsewhere ({@link SsoRules}, the route guard).
 */
@Component
public class OidcClient {

    /** A refused sign-in: the message is safe to show (never a token). */
    public static class SignInRefused extends RuntimeException {

        public SignInRefused(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private static final int TIMEOUT_MS = 5_000;
    private static final Duration METADATA_TTL = Duration.ofHours(1);

    private final TollgateProperties.Sso settings;
    private final Clock clock = Clock.systemUTC();
    private volatile Provider provider;

    private record Provider(OIDCProviderMetadata metadata, IDTokenValidator validator, Instant readAt) {
    }

    public OidcClient(TollgateProperties properties) {
        this.settings = properties.sso();
    }

    /** Where to send the browser: the provider's authorization endpoint, with this sign-in's state, nonce, PKCE. */
    public URI authorizationUri(State state, Nonce nonce, CodeVerifier verifier, URI redirectUri) {
        Scope scope = new Scope(settings.scopes().toArray(String[]::new));
        if (!scope.contains("openid")) {
            scope.add("openid");
        }
        return new AuthenticationRequest.Builder(ResponseType.CODE, scope, new ClientID(settings.clientId()),
                redirectUri)
                .endpointURI(provider().metadata().getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build()
                .toURI();
    }

    /** Redeems the code (with the PKCE verifier) and answers the ID token's validated claims. */
    public JWTClaimsSet redeem(AuthorizationCode code, CodeVerifier verifier, Nonce nonce, URI redirectUri) {
        Provider current = provider();
        AuthorizationCodeGrant grant = new AuthorizationCodeGrant(code, redirectUri, verifier);
        URI tokenEndpoint = current.metadata().getTokenEndpointURI();
        TokenRequest request = settings.clientSecret() == null || settings.clientSecret().isBlank()
                ? new TokenRequest(tokenEndpoint, new ClientID(settings.clientId()), grant)
                : new TokenRequest(tokenEndpoint, new ClientSecretBasic(new ClientID(settings.clientId()),
                new Secret(settings.clientSecret())), grant);
        TokenResponse response;
        try {
            HTTPRequest http = request.toHTTPRequest();
            http.setConnectTimeout(TIMEOUT_MS);
            http.setReadTimeout(TIMEOUT_MS);
            response = OIDCTokenResponseParser.parse(http.send());
        } catch (Exception e) {
            throw new SignInRefused("The identity provider's token endpoint could not be reached or answered "
                    + "something that is not a token response.", e);
        }
        if (!response.indicatesSuccess()) {
            throw new SignInRefused("The identity provider refused the sign-in: "
                    + response.toErrorResponse().getErrorObject().getCode(), null);
        }
        JWT idToken = ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens().getIDToken();
        return validate(idToken, nonce);
    }

    /** Validates an ID token against the provider and the nonce of the sign-in it must belong to. */
    public JWTClaimsSet validate(JWT idToken, Nonce nonce) {
        try {
            return provider().validator().validate(idToken, nonce).toJWTClaimsSet();
        } catch (Exception e) {
            throw new SignInRefused("The ID token is not valid for this sign-in (" + e.getMessage() + ").", e);
        }
    }

    /** The provider's end-session endpoint (RP-initiated logout), when it offers one. */
    public Optional<URI> endSessionUri(URI postLogoutRedirect) {
        URI endpoint = provider().metadata().getEndSessionEndpointURI();
        if (endpoint == null) {
            return Optional.empty();
        }
        return Optional.of(UriComponentsBuilder.fromUri(endpoint)
                .queryParam("client_id", settings.clientId())
                .queryParam("post_logout_redirect_uri", postLogoutRedirect.toString())
                .encode().build().toUri());
    }

    /** The issuer as the provider's metadata states it. */
    public String issuer() {
        return provider().metadata().getIssuer().getValue();
    }

    private Provider provider() {
        Provider current = provider;
        if (current != null && current.readAt().plus(METADATA_TTL).isAfter(clock.instant())) {
            return current;
        }
        synchronized (this) {
            if (provider != null && provider.readAt().plus(METADATA_TTL).isAfter(clock.instant())) {
                return provider;
            }
            try {
                OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(new Issuer(settings.issuer()),
                        TIMEOUT_MS, TIMEOUT_MS);
                IDTokenValidator validator = new IDTokenValidator(metadata.getIssuer(),
                        new ClientID(settings.clientId()), JWSAlgorithm.parse(settings.idTokenAlgorithm()),
                        metadata.getJWKSetURI().toURL(),
                        new DefaultResourceRetriever(TIMEOUT_MS, TIMEOUT_MS, 512 * 1024));
                validator.setMaxClockSkew(60);
                provider = new Provider(metadata, validator, clock.instant());
                return provider;
            } catch (Exception e) {
                throw new SignInRefused("The identity provider at " + settings.issuer() + " could not be "
                        + "discovered (" + e.getMessage() + ").", e);
            }
        }
    }
}
