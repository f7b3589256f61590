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
    private List<Model> models = new ArrayList<>();

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
    public List<Model> getModels() { return models; }
    public void setModels(List<Model> models) { this.models = models; }

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

    /** A public model name, its prices and the deployment that serves it. */
    public static class Model {
        /** The name clients send in {@code model}. */
        private String name;
        /** The most output tokens the model produces: the worst case when a request sets no max_tokens. */
        private long maxOutputTokens = 4096;
        /**
         * What the model does, and so the routes it serves: {@code chat} (chat completions, completions, responses;
         * the default), {@code embedding} ({@code /v1/embeddings}) or {@code image} ({@code /v1/images/generations}).
         */
        private String kind = "chat";
        private final Prices prices = new Prices();
        private final Deployment deployment = new Deployment();

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public long getMaxOutputTokens() { return maxOutputTokens; }
        public void setMaxOutputTokens(long maxOutputTokens) { this.maxOutputTokens = maxOutputTokens; }
        public Prices getPrices() { return prices; }
        public Deployment getDeployment() { return deployment; }
        public String getKind() { return kind; }
        public void setKind(String kind) { this.kind = kind; }
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
        /** {@code openai} (any OpenAI-compatible server) or {@code mock} (built in, answers deterministically). */
        private String provider = "openai";
        /** e.g. https://api.openai.com/v1 */
        private String baseUrl;
        /** The environment variable holding the upstream API key (the key itself never goes in the file). */
        private String apiKeyEnv;
        /** The model name the upstream knows; the public name when not set. */
        private String upstreamModel;
        /** Mock provider only: how long to wait before answering, to imitate a real model. */
        private Duration mockLatency = Duration.ZERO;

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
    }
}
