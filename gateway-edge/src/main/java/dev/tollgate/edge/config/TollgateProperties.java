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
 * @param routing       routing defaults for every model; a model's own {@code routing} settings win
 * @param litellmConfig a LiteLLM proxy {@code config.yaml} whose {@code model_list} is served beside {@link #models}
 *                      (docs/litellm-migration.md); {@code null}: no import
 * @param litellmStrict refuse to start when the LiteLLM file has entries or settings Tollgate cannot honour (else:
 *                      warn, skip)
 * @param outbound      what Tollgate fetches from URLs an admin chose (the SSRF guard, outbound/OutboundHttp)
 * @param retention     how long per-message detail is kept (docs/privacy.md)
 */
@ConfigurationProperties("tollgate")
public record TollgateProperties(
        @DefaultValue("false") boolean demo,
        String masterKey,
        @DefaultValue("tollgate-data") Path dataDir,
        @DefaultValue EmbeddedPostgres embeddedPostgres,
        @DefaultValue Ledger ledger,
        @DefaultValue Boosts boosts,
        @DefaultValue Edge edge,
        @DefaultValue Outbound outbound,
        @DefaultValue Redis redis,
        @DefaultValue Routing routing,
        List<Model> models,
        Path litellmConfig,
        @DefaultValue("false") boolean litellmStrict,
        @DefaultValue Telemetry telemetry,
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
     * @param maxMembersPerTeam   the most members a team may have (and keys with a budget of their own): bounds the
     *                            Team's state
     */
    public record Ledger(@DefaultValue("15m") Duration reservationTtl,
                         @DefaultValue("30s") Duration expirySweepInterval,
                         @DefaultValue("16") long minOutputTokens,
                         @DefaultValue("256") int maxBatchSize,
                         @DefaultValue("4") int dispatchThreads,
                         @DefaultValue("5") int concurrencyRetries,
                         @DefaultValue("10000") int maxMembersPerTeam) {
    }

    /**
     * The HTTP edge.
     *
     * @param maxBodySize     larger request bodies are refused with 413 before anything is charged
     * @param upstreamTimeout the longest an upstream may take to answer (or, streaming, between two chunks)
     * @param keyCacheTtl     how long a looked-up key is trusted before it is read again: the delay of a revocation
     *                        on other nodes
     */
    public record Edge(@DefaultValue("8MB") DataSize maxBodySize,
                       @DefaultValue("5s") Duration upstreamConnectTimeout,
                       @DefaultValue("10m") Duration upstreamTimeout,
                       @DefaultValue("500ms") Duration keyCacheTtl) {
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
     * @param contextWindow   the most tokens the model reads (prompt and answer); {@code null}: unknown, never too
     *                        small. A prompt that does not fit goes to the context-window fallbacks.
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
                        @DefaultValue("chat") String kind,
                        @DefaultValue Prices prices,
                        @DefaultValue Deployment deployment,
                        List<Deployment> deployments,
                        @DefaultValue RoutingOverrides routing) {

        public Model {
            deployments = deployments == null ? List.of() : List.copyOf(deployments);
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
                             String azureDeployment) {

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
         */
        public record Metrics(@DefaultValue("200") int maxTeams, @DefaultValue("30s") Duration budgetRefresh) {
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

    /** An unmodifiable copy that keeps the configuration's order ({@code Map.copyOf} would not). */
    private static <V> Map<String, V> inOrder(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
