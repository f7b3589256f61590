package dev.tollgate.edge.pricesource;

import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.api.price.PublishPrices;
import dev.tollgate.api.priceproposal.ApprovePriceProposal;
import dev.tollgate.api.priceproposal.PriceChange;
import dev.tollgate.api.priceproposal.ProposePrices;
import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.config.TollgateProperties;
import dev.tollgate.edge.outbound.OutboundHttp;
import dev.tollgate.edge.outbound.OutboundRequest;
import dev.tollgate.edge.pricing.PriceBookCache;
import dev.tollgate.edge.pricing.PriceInForce;
import dev.tollgate.query.price.PriceProposalQueries;
import dev.tollgate.query.price.PriceQueries;
import dev.tollgate.query.price.PriceVersionView;
import dev.tollgate.query.support.Blocking;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Price sources (tollgate.pricing.sources): each is checked on its schedule (and on an admin's request); when its
 * table differs from the prices in force, the difference becomes a pending price proposal with its diff, or, for a
 * source set to apply automatically, a new price version at once (recorded as a proposal approved by the source).
 * Nothing changes silently: every proposal, approval and version is an event in the audit trail. URLs are fetched
 * only through the SSRF guard (outbound/OutboundHttp).
 */
@Component
public class PriceSources {

    private static final Logger log = LoggerFactory.getLogger(PriceSources.class);
    private static final String TICK = "#{@'" + TollgateProperties.BEAN + "'.pricing().checkTick()}";
    private static final Duration READ_MODEL_LIMIT = Duration.ofSeconds(10);

    /** What a check found. {@code status}: {@code unchanged}, {@code proposed} or {@code applied}. */
    public record Outcome(String sourceId, String status, String proposalId, List<PriceChange> changes,
                          Integer priceVersion) {
    }

    private final Map<String, TollgateProperties.PriceSource> sources = new LinkedHashMap<>();
    private final Map<String, Instant> lastChecked = new ConcurrentHashMap<>();
    private final ModelCatalog catalog;
    private final PriceBookCache cache;
    private final OutboundHttp outbound;
    private final CommandGateway commands;
    private final PriceQueries versions;
    private final PriceProposalQueries proposals;

    public PriceSources(TollgateProperties properties, ModelCatalog catalog, PriceBookCache cache,
                        OutboundHttp outbound, CommandGateway commands, PriceQueries versions,
                        PriceProposalQueries proposals) {
        for (TollgateProperties.PriceSource source : properties.pricing().sources()) {
            if (source.id() == null || source.id().isBlank()) {
                throw new IllegalStateException("Every entry of tollgate.pricing.sources needs an id.");
            }
            if ((source.url() == null) == (source.file() == null)) {
                throw new IllegalStateException("Price source '" + source.id() + "' needs a url or a file (one).");
            }
            if (!PriceTables.LITELLM.equals(source.format()) && !PriceTables.TOLLGATE.equals(source.format())) {
                throw new IllegalStateException("Price source '" + source.id() + "': format is litellm or tollgate, "
                        + "not '" + source.format() + "'.");
            }
            if (sources.put(source.id(), source) != null) {
                throw new IllegalStateException("Two price sources are named '" + source.id() + "'.");
            }
        }
        String unpriced = properties.pricing().unpricedFrom();
        if (unpriced != null && !sources.containsKey(unpriced)) {
            throw new IllegalStateException("tollgate.pricing.unpriced-from names no price source: '" + unpriced
                    + "'.");
        }
        this.catalog = catalog;
        this.cache = cache;
        this.outbound = outbound;
        this.commands = commands;
        this.versions = versions;
        this.proposals = proposals;
    }

    public List<TollgateProperties.PriceSource> sources() {
        return List.copyOf(sources.values());
    }

    public Optional<TollgateProperties.PriceSource> source(String id) {
        return Optional.ofNullable(sources.get(id));
    }

    /** Checks the sources whose interval has passed since their last check (a zero interval: only on request). */
    @Scheduled(fixedDelayString = TICK, initialDelayString = TICK)
    void checkDue() {
        Instant now = Instant.now();
        for (TollgateProperties.PriceSource source : sources.values()) {
            Duration interval = source.checkInterval();
            Instant last = lastChecked.get(source.id());
            if (interval.isZero() || interval.isNegative() || last != null && now.isBefore(last.plus(interval))) {
                continue;
            }
            try {
                Outcome outcome = check(source.id(), "price-source:" + source.id()).block(Duration.ofMinutes(2));
                log.info("Price source {} checked: {}", source.id(), outcome == null ? "no answer" : outcome.status());
            } catch (RuntimeException e) {
                log.warn("Price source {} could not be checked: {}", source.id(), e.getMessage());
            }
        }
    }

    /** The source's table, fetched (through the SSRF guard) or read. Errors never repeat what a server sent. */
    Mono<byte[]> fetch(TollgateProperties.PriceSource source) {
        if (source.file() != null) {
            return Blocking.query(() -> {
                try {
                    return Files.readAllBytes(source.file());
                } catch (IOException e) {
                    throw new PriceSourceException("cannot read " + source.file() + ": " + e.getMessage());
                }
            });
        }
        return outbound.fetch(OutboundRequest.get(source.url())).map(answer -> answer.requireOk())
                .onErrorMap(e -> !(e instanceof PriceSourceException),
                        e -> new PriceSourceException("cannot fetch " + source.url() + ": " + e.getMessage()));
    }

    /** The source's prices of the configured models. */
    public Mono<Map<String, ModelPrice>> prices(String sourceId) {
        TollgateProperties.PriceSource source = sources.get(sourceId);
        if (source == null) {
            return Mono.error(new PriceSourceException("no price source '" + sourceId + "'"));
        }
        return fetch(source).map(document -> {
            try {
                return PriceTables.read(source.format(), document, catalog.all(), source.models());
            } catch (IllegalArgumentException e) {
                throw new PriceSourceException(e.getMessage());
            }
        });
    }

    /**
     * Checks one source now: compares its prices with those in force and proposes (or applies) the difference.
     * The same difference is proposed once: a proposal's id derives from the source and what it proposes.
     */
    public Mono<Outcome> check(String sourceId, String actor) {
        lastChecked.put(sourceId, Instant.now());
        TollgateProperties.PriceSource source = sources.get(sourceId);
        return prices(sourceId).flatMap(proposed -> {
            cache.refresh();
            Instant now = Instant.now();
            Map<String, ModelPrice> inForce = new LinkedHashMap<>();
            proposed.keySet().forEach(model -> cache.priceAt(model, now).map(PriceInForce::price)
                    .ifPresent(price -> inForce.put(model, price)));
            List<PriceChange> changes = PriceDiff.between(inForce, proposed);
            if (changes.isEmpty()) {
                return Mono.just(new Outcome(sourceId, "unchanged", null, List.of(), null));
            }
            Map<String, ModelPrice> changed = new LinkedHashMap<>();
            changes.forEach(change -> changed.put(change.model(), proposed.get(change.model())));
            String proposalId = proposalId(sourceId, changes);
            Mono<Outcome> proposedOutcome = Blocking.query(() -> proposals.proposal(proposalId).isPresent())
                    .flatMap(exists -> exists ? Mono.empty()
                            : Mono.fromFuture(commands.send(new ProposePrices(proposalId, sourceId, changes, changed,
                            actor))))
                    .then(waitFor(() -> proposals.proposal(proposalId)))
                    .map(view -> new Outcome(sourceId, view.status().equals("pending") ? "proposed" : view.status(),
                            proposalId, changes, view.priceVersion()));
            if (!source.autoApply()) {
                return proposedOutcome;
            }
            return proposedOutcome.flatMap(outcome -> !outcome.status().equals("proposed") ? Mono.just(outcome)
                    : approve(proposalId, sourceId, changed, "price-source:" + sourceId,
                    "applied automatically (tollgate.pricing.sources: auto-apply)")
                    .map(version -> new Outcome(sourceId, "applied", proposalId, changes, version)));
        });
    }

    /**
     * Publishes a proposal's prices as a new version naming the source, then records the approval with that
     * version; answers with the version.
     */
    public Mono<Integer> approve(String proposalId, String sourceId, Map<String, ModelPrice> prices, String actor,
                                 String reason) {
        return publish(new PublishPrices(PublishPrices.PRICE_BOOK, null, prices, false, "source:" + sourceId, actor,
                "price proposal " + proposalId + " of price source " + sourceId + ": " + reason))
                .flatMap(version -> Mono.fromFuture(commands.send(new ApprovePriceProposal(proposalId, version,
                                actor, reason)))
                        .then(waitFor(() -> proposals.proposal(proposalId).filter(p -> !p.status().equals("pending"))))
                        .thenReturn(version));
    }

    /** Publishes and answers with the version once this node prices with it. */
    public Mono<Integer> publish(PublishPrices command) {
        return Mono.fromFuture(commands.<Integer>send(command))
                .flatMap(version -> waitFor(() -> versions.versions().stream().filter(v -> v.number() == version)
                        .findFirst()).map(PriceVersionView::number))
                .doOnNext(version -> cache.refresh());
    }

    /**
     * At start, prices the configured models that have none (a LiteLLM config.yaml's models without
     * {@code model_info} costs) from the source {@code tollgate.pricing.unpriced-from} names, as one version that
     * names the source. Models the source does not know stay refused until a price is published.
     */
    public Optional<Integer> priceUnpriced(String sourceId) {
        cache.refresh();
        Instant now = Instant.now();
        List<String> unpriced = catalog.all().stream().map(CatalogModel::name).distinct()
                .filter(model -> cache.priceAt(model, now).isEmpty()).toList();
        if (unpriced.isEmpty()) {
            return Optional.empty();
        }
        Map<String, ModelPrice> found = new LinkedHashMap<>(prices(sourceId).block(Duration.ofMinutes(2)));
        found.keySet().retainAll(unpriced);
        List<String> missing = unpriced.stream().filter(model -> !found.containsKey(model)).toList();
        if (!missing.isEmpty()) {
            log.warn("Price source {} has no price for {}: refused until a price is published", sourceId, missing);
        }
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Integer version = publish(new PublishPrices(PublishPrices.PRICE_BOOK, null, found, false,
                "source:" + sourceId, "price-source:" + sourceId, "models without prices in the configuration, "
                + "priced from price source " + sourceId + " at start")).block(READ_MODEL_LIMIT.multipliedBy(2));
        log.info("Priced {} from price source {} (v{})", found.keySet(), sourceId, version);
        return Optional.ofNullable(version);
    }

    static String proposalId(String sourceId, List<PriceChange> changes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(sourceId.getBytes(StandardCharsets.UTF_8));
            for (PriceChange change : changes) {
                digest.update(("\n" + change.model() + "\u0000" + change.field() + "\u0000" + change.oldValue()
                        + "\u0000" + change.newValue()).getBytes(StandardCharsets.UTF_8));
            }
            return "pp_" + HexFormat.of().formatHex(digest.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> Mono<T> waitFor(java.util.function.Supplier<Optional<T>> read) {
        return Blocking.query(() -> read.get().orElse(null))
                .repeatWhenEmpty(attempts -> attempts.delayElements(Duration.ofMillis(10)))
                .timeout(READ_MODEL_LIMIT, Mono.error(new PriceSourceException("the read model has not shown the "
                        + "change within " + READ_MODEL_LIMIT.toSeconds() + "s")));
    }
}
