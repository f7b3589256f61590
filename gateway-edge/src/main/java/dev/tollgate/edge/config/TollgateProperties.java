package dev.tollgate.edge.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything Tollgate can be configured with, under {@code tollgate.*} (see docs/configuration.md): one immutable
 * tree of records, bound once at start. A default is the {@link DefaultValue} of its component; a setting without one
 * is {@code null} when not configured. Lists and maps cannot be changed; they are never {@code null} (empty when not
 * configured) but for the fallbacks of {@link RoutingOverrides}, where {@code null} leaves them to {@link Routing}.
 * <p>
 * Models, prices and deployments come from one YAML file ({@code TOLLGATE_CONFIG}); secrets come from environment
 * variables named in it, never from the file itself.
 *
 * @param demo          demo mode (set by the demo configuration, tollgate-demo.yaml, which also brings the mock
 *                      models): a master key is generated, kept in the data folder and printed at start when none is
 *                      set
 * @param masterKey     bearer key of the administrator ({@code TOLLGATE_MASTER_KEY}); required unless in demo mode
 * @param dataDir       where the embedded PostgreSQL keeps its data (and demo mode its master key)
 * @param database      how an unreachable PostgreSQL is noticed and answered (fast 503s, a cached readiness)
 * @param routing       routing defaults for every model; a model's own {@code routing} settings win
 * @param litellmConfig a LiteLLM proxy {@code config.yaml} whose {@code model_list} is served beside {@link #models}
 *                      (docs/litellm-migration.md); {@code null}: no import
 * @param litellmStrict refuse to start when the LiteLLM file has entries or settings Tollgate cannot honour (else:
 *                      warn, skip)
 * @param outbound      what Tollgate fetches from URLs an admin chose (the SSRF guard, outbound/OutboundHttp)
 * @param sso           sign-in with an OpenID Connect provider for the admin UI and the portal (docs/sso.md)
 * @param portal        the students' self-service portal at /portal (docs/sso.md)
 * @param alerts        webhook deliveries of threshold alerts and the budget-warning header (docs/alerts.md)
 * @param reports       what the FinOps (FOCUS) export says about the ledger as a billing account
 * @param pricing       price sources that keep the price book current (docs/configuration.md, "Price sources")
 * @param security      defences of the edge itself: the throttling of failed authentication
 * @param retention     how long per-message detail is kept (docs/privacy.md)
 */
@ConfigurationProperties("tollgate")
public record TollgateProperties(
        @DefaultValue("false") boolean demo,
        String masterKey,
        @DefaultValue("tollgate-data") Path dataDir,
        @DefaultValue EmbeddedPostgres embeddedPostgres,
        @DefaultValue Database database,
        @DefaultValue Ledger ledger,
        @DefaultValue Boosts boosts,
        @DefaultValue Edge edge,
        @DefaultValue Outbound outbound,
        @DefaultValue Alerts alerts,
        @DefaultValue Security security,
        @DefaultValue Redis redis,
        @DefaultValue Routing routing,
        List<Model> models,
        Path litellmConfig,
        @DefaultValue("false") boolean litellmStrict,
        @DefaultValue Telemetry telemetry,
        @DefaultValue Sso sso,
        @DefaultValue Portal portal,
        @DefaultValue Reports reports,
        @DefaultValue Pricing pricing,
        @DefaultValue Retention retention) {

    /**
     * The name {@code @ConfigurationPropertiesScan} gives this tree's bean ({@code <prefix>-<class>}): the
     * {@code @Scheduled} intervals read it in SpEL, {@code #{@'tollgate-...'.ledger().expirySweepInterval()}}.
     */
    public static final String BEAN = "tollgate-dev.tollgate.edge.config.TollgateProperties";

    public TollgateProperties {
        models = models == null ? List.of() : List.copyOf(models);
    }

    /**
     * What binding gives for {@code type} (this tree, or one of its records) when nothing is configured: every
     * {@link DefaultValue}, and {@code null} for the rest. What the LiteLLM import starts from when it builds a model.
     */
    public static <T> T defaults(Class<T> type) {
        return bind(type, Map.of());
    }

    /**
     * Binds {@code properties} (names relative to {@code type}, as in YAML: {@code name},
     * {@code deployment.base-url}, {@code models[0].prices.input}) exactly as the application binds
     * {@code tollgate.*}: whatever they do not set takes its default.
     */
    public static <T> T bind(Class<T> type, Map<String, ?> properties) {
        Map<String, Object> prefixed = new LinkedHashMap<>();
        properties.forEach((name, value) -> prefixed.put("tollgate." + name, value));
        return new Binder(new MapConfigurationPropertySource(prefixed)).bindOrCreate("tollgate", Bindable.of(type));
    }

    /**
     * How long personal detail is kept (docs/privacy.md, "Retention").
     *
     * @param messageDetailMonths per-message detail (one row per request: who, which key, tags) older than this many
     *                            months is dropped into the daily rollups per team: amounts kept, people and tags
     *                            gone. {@code null} (the default): kept until deleted
     * @param sweepInterval       how often the retention runs
     */
    public record Retention(Integer messageDetailMonths, @DefaultValue("1h") Duration sweepInterval) {

        public Retention {
            if (messageDetailMonths != null && messageDetailMonths < 1) {
                throw new IllegalArgumentException("tollgate.retention.message-detail-months is at least 1");
            }
        }
    }

    /**
     * The ledger as a FinOps billing account, for {@code GET /reports/focus}.
     *
     * @param currency           the ledger currency (ISO 4217), FOCUS {@code BillingCurrency}
     * @param billingAccountId   FOCUS {@code BillingAccountId}
     * @param billingAccountName FOCUS {@code BillingAccountName}
     */
    public record Reports(@DefaultValue("USD") String currency,
                          @DefaultValue("tollgate") String billingAccountId,
                          @DefaultValue("Tollgate") String billingAccountName) {
    }

    /**
     * Price sources: tables Tollgate checks on a schedule; a change becomes a pending price proposal (or is applied
     * at once where a source says so).
     *
     * @param sources      the sources, in order
     * @param unpricedFrom the id of the source that prices, at start, the configured models that have no price (the
     *                     models of a LiteLLM {@code config.yaml} without {@code model_info} costs); {@code null}: they
     *                     stay refused until a price is published
     * @param checkTick    how often Tollgate looks for a source whose check is due
     */
    public record Pricing(List<PriceSource> sources, String unpricedFrom,
                          @DefaultValue("1m") Duration checkTick) {

        public Pricing {
            sources = sources == null ? List.of() : List.copyOf(sources);
        }
    }

    /**
     * One price source: a URL (fetched through the SSRF guard) or a file.
     *
     * @param id            names the source in proposals, price versions and the audit trail
     * @param url           where to fetch the table (http or https)
     * @param file          a file holding the table (instead of {@code url})
     * @param format        {@code litellm} (LiteLLM's {@code model_prices_and_context_window.json}) or
     *                      {@code tollgate} (a map of model → prices, as {@code PUT /admin/prices} takes them)
     * @param checkInterval how often the source is checked; {@code 0}: only at start
     * @param autoApply     apply a change at once (a price version naming the source) instead of waiting for an admin
     * @param models        Tollgate model → the source's entry, where the names differ
     */
    public record PriceSource(String id, String url, Path file, @DefaultValue("litellm") String format,
                              @DefaultValue("24h") Duration checkInterval, @DefaultValue("false") boolean autoApply,
                              Map<String, String> models) {

        public PriceSource {
            models = models == null ? Map.of() : Map.copyOf(models);
        }
    }

    /**
     * Time-boxed boosts.
     *
     * @param expirySweepInterval how often to record the end of boosts past their end instant (the
     *                            {@code BoostExpired} event). A boost stops counting at its end instant whatever this
     *                            is; the sweep only writes the end into the audit trail.
     */
    public record Boosts(@DefaultValue("10s") Duration expirySweepInterval) {
    }

    /**
     * The PostgreSQL started in-process when no {@code spring.datasource.url} is configured.
     *
     * @param port    0 picks a free port
     * @param durable fsync and synchronous commits: a committed reservation survives a crash of the machine. Keep it
     *                on; tests turn it off for speed.
     */
    public record EmbeddedPostgres(@DefaultValue("0") int port, @DefaultValue("true") boolean durable) {
    }

    /**
     * How Tollgate notices that PostgreSQL is gone and comes back (docs/operations.md, "When PostgreSQL is down"). How
     * long one wait for a connection may take is Hikari's {@code spring.datasource.hikari.connection-timeout}.
     *
     * @param probeInterval how often a background probe checks the database; readiness and the edge answer from its
     *                      last result, never waiting for a dead database themselves
     * @param retryAfter    the {@code Retry-After} of the 503 answered while the database is unreachable
     * @param drainTimeout  at a graceful stop, how long to wait for pending settlements and releases to be stored
     * @param processorRetry the longest a streaming event processor waits before it tries again after a failure
     *                       (Axon's own back-off doubles up to 60 s); when the probe reaches the database again,
     *                       every processor waiting to retry is woken at once
     */
    public record Database(@DefaultValue("500ms") Duration probeInterval,
                           @DefaultValue("2s") Duration retryAfter,
                           @DefaultValue("10s") Duration drainTimeout,
                           @DefaultValue("2s") Duration processorRetry) {
    }

    /**
     * How the edge talks to the ledger.
     *
     * @param reservationTtl      an unsettled reservation expires after this and is charged at its estimate. Longer
     *                            than any request.
     * @param expirySweepInterval how often to look for expired reservations of teams that have gone quiet
     * @param minOutputTokens     when clamping, never grant fewer output tokens than this: below, the request is
     *                            refused
     * @param maxBatchSize        the most spend lines decided in one command (and one commit) for one team
     * @param dispatchThreads     threads that send batches to the ledger: one batch in flight per team, teams in
     *                            parallel
     * @param concurrencyRetries  retries of a batch that lost an optimistic-append race with another node
     * @param contentionWindow    after such a race, how long the team's batches on this node take the team's
     *                            cross-node lock (a PostgreSQL advisory lock), so that nodes contending for one team
     *                            take turns instead of racing
     * @param maxMembersPerTeam   the most members a team may have (and keys with a budget of their own): bounds the
     *                            Team's state
     * @param settlementLinger    how long a settlement or release may wait for other lines of its team before it is
     *                            committed, when the team has nothing in flight (a reservation never waits): one commit
     *                            for several lines at low load. Answers never wait for their settlement (ADR 3)
     * @param eventFetchLinger    after a commit, how long the event store waits before it reads the new events for the
     *                            projections: one read for all the commits of that time, instead of two per commit.
     *                            Adds at most this to the read model's lag
     */
    public record Ledger(@DefaultValue("15m") Duration reservationTtl,
                         @DefaultValue("30s") Duration expirySweepInterval,
                         @DefaultValue("16") long minOutputTokens,
                         @DefaultValue("256") int maxBatchSize,
                         @DefaultValue("4") int dispatchThreads,
                         @DefaultValue("5") int concurrencyRetries,
                         @DefaultValue("60s") Duration contentionWindow,
                         @DefaultValue("10000") int maxMembersPerTeam,
                         @DefaultValue("20ms") Duration settlementLinger,
                         @DefaultValue("50ms") Duration eventFetchLinger) {

        /**
         * The longest a stream runs: three quarters of {@link #reservationTtl} (11¼ minutes by default). A stream
         * still running when its reservation expired would be charged its estimate and its real usage refused; it is
         * ended before, and settled on what it delivered, with a quarter of the TTL left for that settlement to be
         * recorded even while the database is slow.
         */
        public Duration streamDeadline() {
            return reservationTtl.minus(reservationTtl.dividedBy(4));
        }
    }

    /**
     * The HTTP edge.
     *
     * @param maxBodySize     larger request bodies are refused with 413 before anything is charged
     * @param upstreamTimeout the longest an upstream may take to answer (or, streaming, between two chunks)
     * @param keyCacheTtl     how long a looked-up key is trusted before it is read again: the delay of a revocation
     *                        on other nodes
     * @param exposeUpstreamDetails show clients what only operators should see: an upstream's own error text and
     *                        the names of deployments (in error messages and {@code x-tollgate-deployment}). Off:
     *                        clients see the public model names and Tollgate's own messages only.
     * @param promptMargins   per provider ({@code openai}, {@code azure}, {@code anthropic}, {@code mock}): what the
     *                        reservation adds to the prompt tokens Tollgate counts, because the provider's tokenizer
     *                        may count more; a provider not named takes {@link PromptMargin#defaultFor}
     * @param promptBoundShare a chat prompt is priced by an upper bound (its UTF-8 bytes) instead of the tokenizer's
     *                        count while its worst case is at most {@code 1/n} of what the tightest budget has left;
     *                        closer to the limit, near a model's context window, with a token rate limit and for
     *                        usage an upstream did not report it is counted exactly. {@code 0}: always counted
     */
    public record Edge(@DefaultValue("8MB") DataSize maxBodySize,
                       @DefaultValue("5s") Duration upstreamConnectTimeout,
                       @DefaultValue("10m") Duration upstreamTimeout,
                       @DefaultValue("500ms") Duration keyCacheTtl,
                       @DefaultValue("false") boolean exposeUpstreamDetails,
                       Map<String, PromptMargin> promptMargins,
                       @DefaultValue("16") int promptBoundShare) {

        public Edge {
            promptMargins = promptMargins == null ? Map.of() : Map.copyOf(promptMargins);
            if (promptBoundShare < 0) {
                throw new IllegalArgumentException("tollgate.edge.prompt-bound-share is 0 or more");
            }
        }

        /** The margin of a provider's deployments: configured, or the built-in default. */
        public PromptMargin promptMargin(String provider) {
            PromptMargin configured = promptMargins.get(provider);
            return configured != null ? configured : PromptMargin.defaultFor(provider);
        }
    }

    /**
     * What a reservation adds to the counted prompt: {@code tokens + ceil(counted × percent / 100)}. It covers a
     * provider whose tokenizer counts the same prompt as a few more tokens than Tollgate's (o200k), so that the
     * reservation stays an upper bound of what the provider can bill (docs/providers.md).
     */
    public record PromptMargin(@DefaultValue("0") long tokens, @DefaultValue("0") int percent) {

        public PromptMargin {
            if (tokens < 0 || percent < 0 || percent > 1000) {
                throw new IllegalArgumentException("a prompt margin has tokens >= 0 and percent from 0 to 1000");
            }
        }

        /**
         * Built in: none for {@code mock} (it counts with Tollgate's own tokenizer); 8 tokens and 2 % for
         * OpenAI-compatible and Azure upstreams (their framing of tools and names varies); 8 tokens and 20 % for
         * Anthropic (Claude's tokenizer counts most texts as more tokens than o200k).
         */
        public static PromptMargin defaultFor(String provider) {
            return switch (provider == null ? "" : provider) {
                case "mock" -> new PromptMargin(0, 0);
                case "anthropic" -> new PromptMargin(8, 20);
                default -> new PromptMargin(8, 2);
            };
        }

        /** The prompt tokens to reserve for {@code counted} counted here. */
        public long apply(long counted) {
            return counted + tokens + (counted * percent + 99) / 100;
        }
    }

    /**
     * Fetches of URLs chosen by admins (LiteLLM's price table by URL; price sources and webhooks): the SSRF guard.
     * Only public addresses are fetched unless these say otherwise.
     *
     * @param allowedHosts         host names or IP literals, as written in URLs, that may be fetched whatever
     *                             their addresses (a price mirror on the internal network, a test server on
     *                             127.0.0.1)
     * @param allowPrivateNetworks fetch from private networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7).
     *                             Loopback, link-local (cloud metadata), multicast and reserved addresses stay
     *                             refused unless their host is in allowedHosts.
     * @param maxResponseSize      a larger answer is refused
     * @param connectTimeout       how long to wait for the connection
     * @param timeout              how long the whole fetch may take, the answer read to its end
     */
    public record Outbound(List<String> allowedHosts,
                           @DefaultValue("false") boolean allowPrivateNetworks,
                           @DefaultValue("32MB") DataSize maxResponseSize,
                           @DefaultValue("5s") Duration connectTimeout,
                           @DefaultValue("30s") Duration timeout) {

        public Outbound {
            allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        }
    }

    /** Defences of the edge itself. */
    public record Security(@DefaultValue FailedAuth failedAuth) {
    }

    /**
     * Failed authentication (a 401: no, a wrong, a revoked credential) is throttled per client address with a token
     * bucket: an address may fail {@code burst} times, then once per {@code refillEvery}; past that its requests to
     * routes that need a credential are answered {@code 429} with {@code Retry-After} before any key is looked up.
     * Other addresses are not affected. The address is the connection's peer (or what
     * {@code server.forward-headers-strategy} makes of forwarded headers); IPv6 addresses count by their /64.
     *
     * @param enabled      throttle at all
     * @param burst        failures an address may have in a row before it is throttled
     * @param refillEvery  one more failure is allowed after each such interval
     * @param maxAddresses addresses tracked at once (the least recently seen are forgotten first)
     */
    public record FailedAuth(@DefaultValue("true") boolean enabled,
                             @DefaultValue("20") int burst,
                             @DefaultValue("3s") Duration refillEvery,
                             @DefaultValue("100000") int maxAddresses) {

        public FailedAuth {
            if (burst < 1 || refillEvery.isNegative() || refillEvery.isZero() || maxAddresses < 1) {
                throw new IllegalArgumentException("tollgate.security.failed-auth: burst and max-addresses must be "
                        + "positive, refill-every longer than zero");
            }
        }
    }

    /**
     * Alerts: webhook deliveries (from the outbox, signed, retried with exponential backoff) and the
     * {@code x-tollgate-budget-warning} header.
     *
     * @param pollInterval       how often a node looks for deliveries that are due
     * @param batchSize          the most deliveries one poll sends
     * @param initialBackoff     the wait after a first failed attempt; it doubles after each failure
     * @param maxBackoff         the longest wait between two attempts
     * @param retryFor           how long a delivery is retried (from its first attempt) before it is dead (listed
     *                           as a dead letter, redeliverable by hand)
     * @param lease              how long a node may take to send one delivery before another node may send it again
     *                           (after a crash mid-delivery)
     * @param timeout            the longest one attempt may take (also bounded by {@code tollgate.outbound.timeout})
     * @param signatureTolerance how old a signature's timestamp may be for a receiver to accept it (documented for
     *                           receivers; Tollgate's own verification helper uses it)
     * @param secretKey          the key that encrypts endpoints' signing secrets at rest (base64 of 32 bytes); when
     *                           not set, derived from the master key (so changing the master key then needs the
     *                           endpoints' secrets to be rotated)
     * @param warningRefresh     how often a node re-reads the warnings of accounts past a threshold (other nodes'
     *                           alerts; its own apply at once)
     */
    public record Alerts(@DefaultValue("1s") Duration pollInterval,
                         @DefaultValue("20") int batchSize,
                         @DefaultValue("10s") Duration initialBackoff,
                         @DefaultValue("1h") Duration maxBackoff,
                         @DefaultValue("25h") Duration retryFor,
                         @DefaultValue("2m") Duration lease,
                         @DefaultValue("10s") Duration timeout,
                         @DefaultValue("5m") Duration signatureTolerance,
                         String secretKey,
                         @DefaultValue("10s") Duration warningRefresh) {
    }

    /**
     * Shared usage (deployments' rpm/tpm, keys' limits) in Redis; in-process when no URL is set.
     *
     * @param url       e.g. {@code redis://:password@redis.example:6379/0} ({@code rediss://} for TLS). When neither
     *                  this nor {@code spring.data.redis.url} / {@code spring.data.redis.host} is set, usage is kept
     *                  in-process.
     * @param keyPrefix prefix of every key Tollgate writes, so that several installations can share one Redis
     * @param timeout   how long one Redis operation may take before it fails
     */
    public record Redis(String url,
                        @DefaultValue("tollgate:") String keyPrefix,
                        @DefaultValue("3s") Duration timeout) {
    }

    /**
     * A public model name, its prices and the deployments that serve it.
     *
     * @param name            the name clients send in {@code model}
     * @param maxOutputTokens the most output tokens the model produces: the worst case when a request sets no
     *                        max_tokens
     * @param contextWindow   the most tokens the model reads (prompt and answer); {@code null} (not set): as OpenAI's
     *                        known families served under their names (ModelCatalog, docs/configuration.md), else
     *                        unknown, never too small. A prompt that does not fit goes to the context-window
     *                        fallbacks.
     * @param maxImageTokens  the most prompt tokens one image counts for on this model (its worst case, reserved for
     *                        each image a prompt holds); {@code null} (not set): the largest of what OpenAI's known
     *                        families among its deployments count (gpt-4o-mini 48,169...: ModelCatalog,
     *                        docs/configuration.md), and at least {@link #DEFAULT_MAX_IMAGE_TOKENS}
     * @param hiddenReasoning whether the model reasons without streaming its reasoning; {@code null} (not set): as
     *                        OpenAI's reasoning models served under their names (ModelCatalog, docs/configuration.md)
     * @param kind            what the model does, and so the routes it serves: {@code chat} (chat completions,
     *                        completions, responses), {@code embedding} ({@code /v1/embeddings}) or {@code image}
     *                        ({@code /v1/images/generations})
     * @param deployment      the single-deployment form; {@link #deployments} when the model has several
     * @param deployments     the deployments serving this model; when empty, {@link #deployment} alone
     * @param routing         how this model's requests are routed; unset settings come from {@code tollgate.routing}
     */
    public record Model(String name,
                        @DefaultValue("4096") long maxOutputTokens,
                        Long contextWindow,
                        Long maxImageTokens,
                        Boolean hiddenReasoning,
                        @DefaultValue("chat") String kind,
                        @DefaultValue Prices prices,
                        @DefaultValue Deployment deployment,
                        List<Deployment> deployments,
                        @DefaultValue RoutingOverrides routing) {

        /**
         * What one image counts for on a model of no known family: gpt-4o counts at most 1,445 (8 tiles), Claude
         * about 1,600 for an image it does not resize.
         */
        public static final long DEFAULT_MAX_IMAGE_TOKENS = 1600;

        public Model {
            deployments = deployments == null ? List.of() : List.copyOf(deployments);
        }
    }

    /**
     * The chat body field that limits an answer's output tokens. OpenAI's newer models (the o-series, gpt-5) refuse
     * {@code max_tokens}; some OpenAI-compatible servers know only {@code max_tokens}.
     */
    public enum OutputLimitField {
        MAX_COMPLETION_TOKENS("max_completion_tokens"),
        MAX_TOKENS("max_tokens");

        private final String field;

        OutputLimitField(String field) {
            this.field = field;
        }

        /** The field's name in a request body. */
        public String field() {
            return field;
        }

        /**
         * {@code max_completion_tokens} for OpenAI's own API (every chat model there takes it) and for OpenAI's
         * reasoning models anywhere else ({@code azure}, or {@code openai} at another address such as Azure's v1
         * API): they refuse {@code max_tokens}; {@code max_tokens} everywhere else: every OpenAI-compatible server
         * knows it, some refuse {@code max_completion_tokens} (Mistral) or ignore it (Ollama, llama.cpp), and so do
         * Azure's older models and api-versions.
         */
        public static OutputLimitField defaultFor(String provider, String baseUrl, String upstreamModel) {
            if ("openai".equals(provider) && isOpenAisApi(baseUrl)) {
                return MAX_COMPLETION_TOKENS;
            }
            if (OpenAiModelFamilies.servesOpenAiModels(provider)) {
                return OpenAiModelFamilies.isReasoning(upstreamModel) ? MAX_COMPLETION_TOKENS : MAX_TOKENS;
            }
            return MAX_TOKENS;
        }

        /** {@link #isOpenAisApi}'s answer per base URL (the configuration's few): asked on every chat request. */
        private static final java.util.Map<String, Boolean> OPENAIS_API = new java.util.concurrent.ConcurrentHashMap<>();

        private static boolean isOpenAisApi(String baseUrl) {
            return baseUrl != null && OPENAIS_API.computeIfAbsent(baseUrl, OutputLimitField::hostIsOpenAis);
        }

        private static boolean hostIsOpenAis(String baseUrl) {
            try {
                String host = baseUrl == null ? null : java.net.URI.create(baseUrl.trim()).getHost();
                return host != null && (host.equals("api.openai.com") || host.endsWith(".api.openai.com"));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }

    /** The routing strategies (docs/routing.md). */
    public enum Strategy {
        /** Random, in proportion to the deployments' weights. */
        WEIGHTED_SHUFFLE,
        /** The fewest requests in flight. */
        LEAST_BUSY,
        /** The most rpm/tpm headroom left this minute, as a fraction of the limits. */
        USAGE_BASED,
        /** The lowest recent latency (an exponentially weighted moving average). */
        LOWEST_LATENCY
    }

    /**
     * {@code tollgate.routing}: how every model's requests are routed, retried and sent to fallbacks, unless the
     * model's own {@link RoutingOverrides} say otherwise.
     *
     * @param numRetries             attempts after the first on the model's deployments; {@code null}: each
     *                               deployment tried once
     * @param retryBackoff           the wait before a retry: doubled with every retry of the same model, up to
     *                               maxRetryBackoff
     * @param maxRetryWait           the longest Tollgate waits for a deployment's Retry-After or cooldown before it
     *                               moves on
     * @param fallbacks              other public models tried in order when a model's deployments are exhausted
     * @param contextWindowFallbacks other public models, in order, for prompts too long for a model's context window
     */
    public record Routing(@DefaultValue("weighted-shuffle") Strategy strategy,
                          Integer numRetries,
                          @DefaultValue("100ms") Duration retryBackoff,
                          @DefaultValue("2s") Duration maxRetryBackoff,
                          @DefaultValue("10s") Duration maxRetryWait,
                          @DefaultValue Cooldown cooldown,
                          List<String> fallbacks,
                          List<String> contextWindowFallbacks) {

        public Routing {
            fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
            contextWindowFallbacks = contextWindowFallbacks == null ? List.of() : List.copyOf(contextWindowFallbacks);
        }
    }

    /** A deployment that fails {@code allowedFails} times within {@code window} is left alone for {@code duration}. */
    public record Cooldown(@DefaultValue("3") int allowedFails,
                           @DefaultValue("1m") Duration window,
                           @DefaultValue("30s") Duration duration) {
    }

    /**
     * A model's own {@code routing}: the settings of {@link Routing}, each {@code null} (a list too) when the model
     * leaves it to {@code tollgate.routing}.
     */
    public record RoutingOverrides(Strategy strategy,
                                   Integer numRetries,
                                   Duration retryBackoff,
                                   Duration maxRetryBackoff,
                                   Duration maxRetryWait,
                                   CooldownOverrides cooldown,
                                   List<String> fallbacks,
                                   List<String> contextWindowFallbacks) {

        public RoutingOverrides {
            cooldown = cooldown == null ? new CooldownOverrides(null, null, null) : cooldown;
            fallbacks = fallbacks == null ? null : List.copyOf(fallbacks);
            contextWindowFallbacks = contextWindowFallbacks == null ? null : List.copyOf(contextWindowFallbacks);
        }
    }

    /** A model's own {@code routing.cooldown}: each {@code null} when the model leaves it to {@link Cooldown}. */
    public record CooldownOverrides(Integer allowedFails, Duration window, Duration duration) {
    }

    /**
     * The model's prices at start: published into the price book (version history, {@code PUT /admin/prices}).
     * Per million tokens, in the ledger currency, as decimals. Leave them out to price the model through the API.
     *
     * @param cachedInput prompt tokens served from the provider's cache; the input price when not set
     * @param reasoning   hidden reasoning tokens (part of the completion); the output price when not set
     * @param perImage    an amount per image in a prompt, where the model charges one
     * @param perRequest  a fixed amount per request, where the model charges one
     * @param imagePrices generated images by {@code size/quality} ({@code "1024x1024/hd": "0.08"}) or by size alone
     *                    ({@code "256x256": "0.016"}); a variant not listed costs {@code per-image}, or is refused
     *                    without one. In the configuration's order.
     * @param free        a model must have prices, or say it is free: never a silent zero
     */
    public record Prices(BigDecimal input,
                         BigDecimal cachedInput,
                         BigDecimal output,
                         BigDecimal reasoning,
                         BigDecimal perImage,
                         BigDecimal perRequest,
                         Map<String, BigDecimal> imagePrices,
                         @DefaultValue("false") boolean free) {

        public Prices {
            imagePrices = inOrder(imagePrices);
        }
    }

    /**
     * Where a model is served.
     *
     * @param name            a name for reports; the model name when not set
     * @param provider        {@code openai} (any OpenAI-compatible server), {@code azure} (Azure OpenAI),
     *                        {@code anthropic} (the Messages API, translated) or {@code mock} (built in, answers
     *                        deterministically)
     * @param baseUrl         e.g. https://api.openai.com/v1
     * @param apiKeyEnv       the environment variable holding the upstream API key (the key itself never goes in the
     *                        file)
     * @param upstreamModel   the model name the upstream knows; the public name when not set
     * @param mockLatency     mock provider only: how long to wait before answering, to imitate a real model
     * @param rpm             requests per minute this deployment takes; {@code null}: no limit
     * @param tpm             tokens per minute (prompt and the most the answer may use); {@code null}: no limit
     * @param weight          the share of requests the weighted shuffle sends here, relative to the other deployments
     * @param region          where it runs, for reports and operators (not used to route)
     * @param timeout         how long to wait for its answer (streaming: between two chunks);
     *                        tollgate.edge.upstream-timeout if unset
     * @param apiVersion      {@code azure}: the {@code api-version} query parameter (default 2024-10-21);
     *                        {@code anthropic}: the {@code anthropic-version} header (default 2023-06-01). Not used by
     *                        other providers.
     * @param azureDeployment {@code azure} only: the deployment name in the URL; the upstream model when not set
     * @param outputLimitField the chat body field a request's output limit is sent in (the client's, whichever field
     *                        it used, or a clamp's grant); {@code null}: the provider's
     *                        ({@link OutputLimitField#defaultFor})
     */
    public record Deployment(String name,
                             @DefaultValue("openai") String provider,
                             String baseUrl,
                             String apiKeyEnv,
                             String upstreamModel,
                             @DefaultValue("0ms") Duration mockLatency,
                             Long rpm,
                             Long tpm,
                             @DefaultValue("1") int weight,
                             String region,
                             List<String> tags,
                             Duration timeout,
                             String apiVersion,
                             String azureDeployment,
                             OutputLimitField outputLimitField) {

        public Deployment {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }

    /**
     * {@code tollgate.telemetry}: where spans go (OTLP) and how many label values the metrics may grow to. The
     * standard {@code OTEL_EXPORTER_OTLP_*} environment variables are honoured when these are not set
     * (docs/observability.md).
     */
    public record Telemetry(@DefaultValue Otlp otlp,
                            @DefaultValue Traces traces,
                            @DefaultValue Metrics metrics,
                            @DefaultValue Health health) {

        /**
         * @param endpoint    the OTLP base URL, e.g. http://collector:4318 (HTTP, {@code /v1/traces} is appended) or
         *                    http://collector:4317 (gRPC). Unset (and no OTEL_EXPORTER_OTLP_ENDPOINT): no spans are
         *                    made or sent.
         * @param protocol    {@code http/protobuf} (the default when neither this nor an OTEL_ variable says) or
         *                    {@code grpc}
         * @param headers     headers sent with every export, e.g. Authorization for Langfuse, x-mlflow-experiment-id
         *                    for MLflow; in the configuration's order
         * @param timeout     how long one export may take
         * @param batchDelay  how long finished spans wait to be exported in one batch
         * @param serviceName the service.name resource attribute
         */
        public record Otlp(String endpoint,
                           String protocol,
                           Map<String, String> headers,
                           @DefaultValue("10s") Duration timeout,
                           @DefaultValue("2s") Duration batchDelay,
                           @DefaultValue("tollgate") String serviceName) {

            public Otlp {
                headers = inOrder(headers);
            }
        }

        /**
         * @param includeUserId whether spans carry {@code tollgate.user_id} and {@code user.id} (the ids admins gave
         *                      users, never names or prompts). Turn off when the trace backend must not learn who
         *                      asked.
         */
        public record Traces(@DefaultValue("true") boolean includeUserId) {
        }

        /**
         * @param maxTeams      the most teams that get their own {@code team} label on the cost counter and a
         *                      remaining-budget gauge; further teams are counted under {@code team="other"} and get no
         *                      gauge
         * @param budgetRefresh how often the remaining-budget gauges are read from the read model
         * @param healthRefresh how often the database probe and the event processors' lag gauges are refreshed
         */
        public record Metrics(@DefaultValue("200") int maxTeams, @DefaultValue("30s") Duration budgetRefresh,
                              @DefaultValue("10s") Duration healthRefresh) {
        }

        /**
         * @param optionalProcessors event processors reported by the eventProcessors health contributor but not
         *                           allowed to make the node unready when stopped or in error: recalculation-replay
         *                           stops for a moment whenever a recalculation starts
         */
        public record Health(@DefaultValue("recalculation-replay") List<String> optionalProcessors) {

            public Health {
                optionalProcessors = optionalProcessors == null ? List.of() : List.copyOf(optionalProcessors);
            }
        }
    }

    /**
     * {@code tollgate.sso}: sign-in with an OpenID Connect provider (docs/sso.md). Off unless {@code issuer} is set.
     *
     * @param issuer            the provider's issuer URL; its {@code /.well-known/openid-configuration} is read at
     *                          the first sign-in (e.g. https://keycloak.example/realms/uni,
     *                          https://login.microsoftonline.com/TENANT/v2.0)
     * @param displayName       the name on the button: "Sign in with …"
     * @param clientId          the client registered at the provider
     * @param clientSecret      its secret: set it with {@code TOLLGATE_SSO_CLIENT_SECRET}, never in a file. Without
     *                          one Tollgate is a public client (PKCE only).
     * @param scopes            requested scopes; {@code openid} is always among them
     * @param baseUrl           Tollgate's public URL as browsers reach it (https://llm.uni.example), for the redirect
     *                          URI {@code <base-url>/sso/callback}; when unset, taken from each request's own URL
     * @param idTokenAlgorithm  the algorithm the provider signs ID tokens with (RS256, ES256, PS256 …); a token signed
     *                          otherwise is refused
     * @param groupsClaim       the ID token claim that lists the user's groups (Keycloak: {@code groups} with the
     *                          group-membership mapper; Entra ID: {@code groups}, object ids, or {@code roles})
     * @param userIdClaim       the claim whose value becomes the Tollgate user id (e.g. {@code preferred_username},
     *                          {@code sub}, Entra's {@code oid})
     * @param nameClaim         the claim whose value is the user's name at registration
     * @param emailClaim        the claim whose value is the user's email at registration (sealed per person,
     *                          erasable: docs/privacy.md); empty: no email is kept
     * @param sessionTtl        how long a session lasts after sign-in
     * @param loginTtl          how long a sign-in may take at the provider
     * @param secureCookie      {@code auto}: Secure cookies when the request came over TLS (or base-url is https);
     *                          {@code always}; {@code never} (plain-HTTP tests only)
     * @param roles             rules from groups to staff roles, in order; every matching rule counts (admin beats
     *                          finance beats manager; a manager gets every team of every matching rule)
     * @param teams             rules from groups to a student's team and tags; the first matching rule wins
     */
    public record Sso(String issuer,
                      @DefaultValue("your organisation") String displayName,
                      String clientId,
                      String clientSecret,
                      @DefaultValue({"openid", "profile", "email"}) List<String> scopes,
                      String baseUrl,
                      @DefaultValue("RS256") String idTokenAlgorithm,
                      @DefaultValue("groups") String groupsClaim,
                      @DefaultValue("preferred_username") String userIdClaim,
                      @DefaultValue("name") String nameClaim,
                      @DefaultValue("email") String emailClaim,
                      @DefaultValue("8h") Duration sessionTtl,
                      @DefaultValue("10m") Duration loginTtl,
                      @DefaultValue("auto") String secureCookie,
                      List<RoleRule> roles,
                      List<TeamRule> teams) {

        public Sso {
            scopes = scopes == null ? List.of("openid") : List.copyOf(scopes);
            roles = roles == null ? List.of() : List.copyOf(roles);
            teams = teams == null ? List.of() : List.copyOf(teams);
        }

        public boolean enabled() {
            return issuer != null && !issuer.isBlank();
        }
    }

    /**
     * A group that gives a staff role. {@code group} is a group name, or a pattern with one {@code {team}}
     * placeholder ({@code course-staff:{team}}) whose value names the managed team.
     *
     * @param role {@code admin}, {@code finance} or {@code manager}
     * @param team a manager's team when the group names none ({@code {team}} in the group pattern wins)
     */
    public record RoleRule(String group, String role, String team) {
    }

    /**
     * A group that places a student: {@code group} is a name or a pattern with {@code {team}}
     * ({@code {team}-students}); {@code team} and {@code tags} may use {@code {team}} too.
     */
    public record TeamRule(String group, String team, List<String> tags) {

        public TeamRule {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }

    /**
     * {@code tollgate.portal}: the students' portal. A team's own key policy (PUT /admin/teams/{id}/key-policy)
     * wins over these defaults.
     *
     * @param defaultMaxKeys       the most keys a member may hold when the team has no key policy
     * @param defaultMaxExpiryDays the longest a member's key may live when the team has no key policy
     */
    public record Portal(@DefaultValue("3") int defaultMaxKeys,
                         @DefaultValue("90") int defaultMaxExpiryDays) {
    }

    /** An unmodifiable copy that keeps the configuration's order ({@code Map.copyOf} would not). */
    private static <V> Map<String, V> inOrder(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
