package dev.tollgate.edge.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything Tollgate can be configured with, under {@code tollgate.*} (see docs/configuration.md).
 * Models, prices and deployments come from one YAML file ({@code TOLLGATE_CONFIG}); secrets come from
 * environment variables named in it, never from the file itself.
 */
@ConfigurationProperties("tollgate")
public class TollgateProperties {

    /**
     * Demo mode (set by the demo configuration, tollgate-demo.yaml, which also brings the mock models): a master key
     * is generated, kept in the data folder and printed at start when none is set.
     */
    private boolean demo;
    /** Bearer key of the administrator ({@code TOLLGATE_MASTER_KEY}). Required unless in demo mode. */
    private String masterKey;
    /** Where the embedded PostgreSQL keeps its data (and demo mode its master key). */
    private Path dataDir = Path.of("tollgate-data");
    private final EmbeddedPostgres embeddedPostgres = new EmbeddedPostgres();
    private final Ledger ledger = new Ledger();
    private final Boosts boosts = new Boosts();
    private final Edge edge = new Edge();
    private final Redis redis = new Redis();
    /** Routing defaults for every model; a model's own {@code routing} settings win. */
    private final Routing routing = Routing.defaults();
    private List<Model> models = new ArrayList<>();
    /**
     * A LiteLLM proxy {@code config.yaml} whose {@code model_list} is added to {@link #models} at start
     * (docs/litellm-migration.md). Not set: no import.
     */
    private Path litellmConfig;
    /** Refuse to start when the LiteLLM file has entries or settings Tollgate cannot honour (else: warn, skip). */
    private boolean litellmStrict;

    public boolean isDemo() { return demo; }
    public void setDemo(boolean demo) { this.demo = demo; }
    public String getMasterKey() { return masterKey; }
    public void setMasterKey(String masterKey) { this.masterKey = masterKey; }
    public Path getDataDir() { return dataDir; }
    public void setDataDir(Path dataDir) { this.dataDir = dataDir; }
    public EmbeddedPostgres getEmbeddedPostgres() { return embeddedPostgres; }
    public Ledger getLedger() { return ledger; }
    public Boosts getBoosts() { return boosts; }
    public Edge getEdge() { return edge; }
    public Redis getRedis() { return redis; }
    public Routing getRouting() { return routing; }
    public List<Model> getModels() { return models; }
    public void setModels(List<Model> models) { this.models = models; }
    public Path getLitellmConfig() { return litellmConfig; }
    public void setLitellmConfig(Path litellmConfig) { this.litellmConfig = litellmConfig; }
    public boolean isLitellmStrict() { return litellmStrict; }
    public void setLitellmStrict(boolean litellmStrict) { this.litellmStrict = litellmStrict; }

    /** Time-boxed boosts. */
    public static class Boosts {
        /**
         * How often to record the end of boosts past their end instant (the {@code BoostExpired} event). A boost
         * stops counting at its end instant whatever this is; the sweep only writes the end into the audit trail.
         */
        private Duration expirySweepInterval = Duration.ofSeconds(10);

        public Duration getExpirySweepInterval() { return expirySweepInterval; }
        public void setExpirySweepInterval(Duration expirySweepInterval) { this.expirySweepInterval = expirySweepInterval; }
    }

    /** The PostgreSQL started in-process when no {@code spring.datasource.url} is configured. */
    public static class EmbeddedPostgres {
        /** 0 picks a free port. */
        private int port;
        /**
         * fsync and synchronous commits: a committed reservation survives a crash of the machine. Keep it on;
         * tests turn it off for speed.
         */
        private boolean durable = true;

        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public boolean isDurable() { return durable; }
        public void setDurable(boolean durable) { this.durable = durable; }
    }

    /** How the edge talks to the ledger. */
    public static class Ledger {
        /** An unsettled reservation expires after this and is charged at its estimate. Longer than any request. */
        private Duration reservationTtl = Duration.ofMinutes(15);
        /** How often to look for expired reservations of teams that have gone quiet. */
        private Duration expirySweepInterval = Duration.ofSeconds(30);
        /** When clamping, never grant fewer output tokens than this: below, the request is refused. */
        private long minOutputTokens = 16;
        /** The most spend lines decided in one command (and one commit) for one team. */
        private int maxBatchSize = 256;
        /** Threads that send batches to the ledger: one batch in flight per team, teams in parallel. */
        private int dispatchThreads = 4;
        /** Retries of a batch that lost an optimistic-append race with another node. */
        private int concurrencyRetries = 5;
        /** The most members a team may have (and keys with a budget of their own): bounds the Team's state. */
        private int maxMembersPerTeam = 10_000;

        public Duration getReservationTtl() { return reservationTtl; }
        public void setReservationTtl(Duration reservationTtl) { this.reservationTtl = reservationTtl; }
        public Duration getExpirySweepInterval() { return expirySweepInterval; }
        public void setExpirySweepInterval(Duration expirySweepInterval) { this.expirySweepInterval = expirySweepInterval; }
        public long getMinOutputTokens() { return minOutputTokens; }
        public void setMinOutputTokens(long minOutputTokens) { this.minOutputTokens = minOutputTokens; }
        public int getMaxBatchSize() { return maxBatchSize; }
        public void setMaxBatchSize(int maxBatchSize) { this.maxBatchSize = maxBatchSize; }
        public int getDispatchThreads() { return dispatchThreads; }
        public void setDispatchThreads(int dispatchThreads) { this.dispatchThreads = dispatchThreads; }
        public int getConcurrencyRetries() { return concurrencyRetries; }
        public void setConcurrencyRetries(int concurrencyRetries) { this.concurrencyRetries = concurrencyRetries; }
        public int getMaxMembersPerTeam() { return maxMembersPerTeam; }
        public void setMaxMembersPerTeam(int maxMembersPerTeam) { this.maxMembersPerTeam = maxMembersPerTeam; }
    }

    /** The HTTP edge. */
    public static class Edge {
        /** Larger request bodies are refused with 413 before anything is charged. */
        private DataSize maxBodySize = DataSize.ofMegabytes(8);
        private Duration upstreamConnectTimeout = Duration.ofSeconds(5);
        /** The longest an upstream may take to answer (or, streaming, between two chunks). */
        private Duration upstreamTimeout = Duration.ofMinutes(10);
        /** How long a looked-up key is trusted before it is read again: the delay of a revocation on other nodes. */
        private Duration keyCacheTtl = Duration.ofMillis(500);

        public DataSize getMaxBodySize() { return maxBodySize; }
        public void setMaxBodySize(DataSize maxBodySize) { this.maxBodySize = maxBodySize; }
        public Duration getUpstreamConnectTimeout() { return upstreamConnectTimeout; }
        public void setUpstreamConnectTimeout(Duration upstreamConnectTimeout) { this.upstreamConnectTimeout = upstreamConnectTimeout; }
        public Duration getUpstreamTimeout() { return upstreamTimeout; }
        public void setUpstreamTimeout(Duration upstreamTimeout) { this.upstreamTimeout = upstreamTimeout; }
        public Duration getKeyCacheTtl() { return keyCacheTtl; }
        public void setKeyCacheTtl(Duration keyCacheTtl) { this.keyCacheTtl = keyCacheTtl; }
    }

    /** A public model name, its prices and the deployments that serve it. */
    public static class Model {
        /** The name clients send in {@code model}. */
        private String name;
        /** The most output tokens the model produces: the worst case when a request sets no max_tokens. */
        private long maxOutputTokens = 4096;
        /**
         * The most tokens the model reads (prompt and answer); {@code null}: unknown, never too small. A prompt that
         * does not fit goes to the context-window fallbacks.
         */
        private Long contextWindow;

        /**
         * What the model does, and so the routes it serves: {@code chat} (chat completions, completions, responses;
         * the default), {@code embedding} ({@code /v1/embeddings}) or {@code image} ({@code /v1/images/generations}).
         */
        private String kind = "chat";
        private final Prices prices = new Prices();
        /** The single-deployment form; {@link #deployments} when the model has several. */
        private final Deployment deployment = new Deployment();
        /** The deployments serving this model; when empty, {@link #deployment} alone. */
        private List<Deployment> deployments = new ArrayList<>();
        /** How this model's requests are routed; unset settings come from {@code tollgate.routing}. */
        private final Routing routing = new Routing();

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public long getMaxOutputTokens() { return maxOutputTokens; }
        public void setMaxOutputTokens(long maxOutputTokens) { this.maxOutputTokens = maxOutputTokens; }
        public Long getContextWindow() { return contextWindow; }
        public void setContextWindow(Long contextWindow) { this.contextWindow = contextWindow; }
        public Prices getPrices() { return prices; }
        public Deployment getDeployment() { return deployment; }
        public List<Deployment> getDeployments() { return deployments; }
        public void setDeployments(List<Deployment> deployments) { this.deployments = deployments; }
        public Routing getRouting() { return routing; }
        public String getKind() { return kind; }
        public void setKind(String kind) { this.kind = kind; }
    }

    /** Shared usage (deployments' rpm/tpm, keys' limits) in Redis; in-process when no URL is set. */
    public static class Redis {
        /**
         * e.g. {@code redis://:password@redis.example:6379/0} ({@code rediss://} for TLS). When neither this nor
         * {@code spring.data.redis.url} / {@code spring.data.redis.host} is set, usage is kept in-process.
         */
        private String url;
        /** Prefix of every key Tollgate writes, so that several installations can share one Redis. */
        private String keyPrefix = "tollgate:";
        /** How long one Redis operation may take before it fails. */
        private Duration timeout = Duration.ofSeconds(3);

        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getKeyPrefix() { return keyPrefix; }
        public void setKeyPrefix(String keyPrefix) { this.keyPrefix = keyPrefix; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
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
     * How a model's requests are routed, retried and sent to fallbacks. Under {@code tollgate.routing} these are the
     * defaults of every model; under a model, {@code null} settings take those defaults.
     */
    public static class Routing {
        private Strategy strategy;
        /** Attempts after the first on the model's deployments; unset: each deployment tried once. */
        private Integer numRetries;
        /** The wait before a retry: doubled with every retry of the same model, up to maxRetryBackoff. */
        private Duration retryBackoff;
        private Duration maxRetryBackoff;
        /** The longest Tollgate waits for a deployment's Retry-After or cooldown before it moves on. */
        private Duration maxRetryWait;
        private final Cooldown cooldown = new Cooldown();
        /** Other public models tried in order when this model's deployments are exhausted. */
        private List<String> fallbacks;
        /** Other public models, in order, for prompts too long for this model's context window. */
        private List<String> contextWindowFallbacks;

        static Routing defaults() {
            Routing routing = new Routing();
            routing.strategy = Strategy.WEIGHTED_SHUFFLE;
            routing.retryBackoff = Duration.ofMillis(100);
            routing.maxRetryBackoff = Duration.ofSeconds(2);
            routing.maxRetryWait = Duration.ofSeconds(10);
            routing.cooldown.allowedFails = 3;
            routing.cooldown.window = Duration.ofMinutes(1);
            routing.cooldown.duration = Duration.ofSeconds(30);
            routing.fallbacks = List.of();
            routing.contextWindowFallbacks = List.of();
            return routing;
        }

        public Strategy getStrategy() { return strategy; }
        public void setStrategy(Strategy strategy) { this.strategy = strategy; }
        public Integer getNumRetries() { return numRetries; }
        public void setNumRetries(Integer numRetries) { this.numRetries = numRetries; }
        public Duration getRetryBackoff() { return retryBackoff; }
        public void setRetryBackoff(Duration retryBackoff) { this.retryBackoff = retryBackoff; }
        public Duration getMaxRetryBackoff() { return maxRetryBackoff; }
        public void setMaxRetryBackoff(Duration maxRetryBackoff) { this.maxRetryBackoff = maxRetryBackoff; }
        public Duration getMaxRetryWait() { return maxRetryWait; }
        public void setMaxRetryWait(Duration maxRetryWait) { this.maxRetryWait = maxRetryWait; }
        public Cooldown getCooldown() { return cooldown; }
        public List<String> getFallbacks() { return fallbacks; }
        public void setFallbacks(List<String> fallbacks) { this.fallbacks = fallbacks; }
        public List<String> getContextWindowFallbacks() { return contextWindowFallbacks; }
        public void setContextWindowFallbacks(List<String> contextWindowFallbacks) { this.contextWindowFallbacks = contextWindowFallbacks; }
    }

    /** A deployment that fails {@code allowedFails} times within {@code window} is left alone for {@code duration}. */
    public static class Cooldown {
        private Integer allowedFails;
        private Duration window;
        private Duration duration;

        public Integer getAllowedFails() { return allowedFails; }
        public void setAllowedFails(Integer allowedFails) { this.allowedFails = allowedFails; }
        public Duration getWindow() { return window; }
        public void setWindow(Duration window) { this.window = window; }
        public Duration getDuration() { return duration; }
        public void setDuration(Duration duration) { this.duration = duration; }
    }

    /**
     * The model's prices at start: published into the price book (version history, {@code PUT /admin/prices}).
     * Per million tokens, in the ledger currency, as decimals. Leave them out to price the model through the API.
     */
    public static class Prices {
        private BigDecimal input;
        /** Prompt tokens served from the provider's cache; the input price when not set. */
        private BigDecimal cachedInput;
        private BigDecimal output;
        /** Hidden reasoning tokens (part of the completion); the output price when not set. */
        private BigDecimal reasoning;
        /** An amount per image in a prompt, where the model charges one. */
        private BigDecimal perImage;
        /** A fixed amount per request, where the model charges one. */
        private BigDecimal perRequest;
        /**
         * Generated images by {@code size/quality} ({@code "1024x1024/hd": "0.08"}) or by size alone
         * ({@code "256x256": "0.016"}); a variant not listed costs {@code per-image}, or is refused without one.
         */
        private java.util.Map<String, BigDecimal> imagePrices = new java.util.LinkedHashMap<>();
        /** A model must have prices, or say it is free: never a silent zero. */
        private boolean free;

        public BigDecimal getReasoning() { return reasoning; }
        public void setReasoning(BigDecimal reasoning) { this.reasoning = reasoning; }
        public BigDecimal getPerImage() { return perImage; }
        public void setPerImage(BigDecimal perImage) { this.perImage = perImage; }
        public BigDecimal getPerRequest() { return perRequest; }
        public java.util.Map<String, BigDecimal> getImagePrices() { return imagePrices; }
        public void setImagePrices(java.util.Map<String, BigDecimal> imagePrices) { this.imagePrices = imagePrices; }
        public void setPerRequest(BigDecimal perRequest) { this.perRequest = perRequest; }

        public BigDecimal getInput() { return input; }
        public void setInput(BigDecimal input) { this.input = input; }
        public BigDecimal getCachedInput() { return cachedInput; }
        public void setCachedInput(BigDecimal cachedInput) { this.cachedInput = cachedInput; }
        public BigDecimal getOutput() { return output; }
        public void setOutput(BigDecimal output) { this.output = output; }
        public boolean isFree() { return free; }
        public void setFree(boolean free) { this.free = free; }
    }

    /** Where a model is served. */
    public static class Deployment {
        /** A name for reports; the model name when not set. */
        private String name;
        /**
         * {@code openai} (any OpenAI-compatible server), {@code azure} (Azure OpenAI), {@code anthropic} (the Messages
         * API, translated) or {@code mock} (built in, answers deterministically).
         */
        private String provider = "openai";
        /** e.g. https://api.openai.com/v1 */
        private String baseUrl;
        /** The environment variable holding the upstream API key (the key itself never goes in the file). */
        private String apiKeyEnv;
        /** The model name the upstream knows; the public name when not set. */
        private String upstreamModel;
        /** Mock provider only: how long to wait before answering, to imitate a real model. */
        private Duration mockLatency = Duration.ZERO;
        /** Requests per minute this deployment takes; {@code null}: no limit. */
        private Long rpm;
        /** Tokens per minute (prompt and the most the answer may use); {@code null}: no limit. */
        private Long tpm;
        /** The share of requests the weighted shuffle sends here, relative to the other deployments. */
        private int weight = 1;
        /** Where it runs, for reports and operators (not used to route). */
        private String region;
        private List<String> tags = new ArrayList<>();
        /** How long to wait for its answer (streaming: between two chunks); tollgate.edge.upstream-timeout if unset. */
        private Duration timeout;
        /**
         * {@code azure}: the {@code api-version} query parameter (default 2024-10-21); {@code anthropic}: the
         * {@code anthropic-version} header (default 2023-06-01). Not used by other providers.
         */
        private String apiVersion;
        /** {@code azure} only: the deployment name in the URL; the upstream model when not set. */
        private String azureDeployment;

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getProvider() { return provider; }
        public void setProvider(String provider) { this.provider = provider; }
        public String getBaseUrl() { return baseUrl; }
        public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl; }
        public String getApiKeyEnv() { return apiKeyEnv; }
        public void setApiKeyEnv(String apiKeyEnv) { this.apiKeyEnv = apiKeyEnv; }
        public String getUpstreamModel() { return upstreamModel; }
        public void setUpstreamModel(String upstreamModel) { this.upstreamModel = upstreamModel; }
        public Duration getMockLatency() { return mockLatency; }
        public void setMockLatency(Duration mockLatency) { this.mockLatency = mockLatency; }
        public Long getRpm() { return rpm; }
        public void setRpm(Long rpm) { this.rpm = rpm; }
        public Long getTpm() { return tpm; }
        public void setTpm(Long tpm) { this.tpm = tpm; }
        public int getWeight() { return weight; }
        public void setWeight(int weight) { this.weight = weight; }
        public String getRegion() { return region; }
        public void setRegion(String region) { this.region = region; }
        public List<String> getTags() { return tags; }
        public void setTags(List<String> tags) { this.tags = tags; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
        public String getApiVersion() { return apiVersion; }
        public void setApiVersion(String apiVersion) { this.apiVersion = apiVersion; }
        public String getAzureDeployment() { return azureDeployment; }
        public void setAzureDeployment(String azureDeployment) { this.azureDeployment = azureDeployment; }
    }
}
