package dev.tollgate.edge.litellm;

import dev.tollgate.edge.catalog.ModelSource;
import dev.tollgate.edge.config.TollgateProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * At start, when {@code tollgate.litellm-config} names a LiteLLM proxy config, imports its models (with their
 * deployments and routing) for the catalog to serve beside {@code tollgate.models} (the catalog, and through it the
 * router, the providers and the price book seeding, see them all). Refused entries and fallbacks to unknown models
 * are left out with a line in the log, or stop the start when {@code tollgate.litellm-strict} is set.
 */
@Component
public class LiteLlmModelSource implements ModelSource {

    private static final Logger log = LoggerFactory.getLogger(LiteLlmModelSource.class);

    private final List<TollgateProperties.Model> imported;

    public LiteLlmModelSource(TollgateProperties properties) {
        this.imported = properties.litellmConfig() == null ? List.of()
                : apply(properties, System::getenv).models();
    }

    @Override
    public List<TollgateProperties.Model> models() {
        return imported;
    }

    /** Reads and maps the file, logs what was refused or warned about; fails when strict and anything was left out. */
    static LiteLlmImport apply(TollgateProperties properties, Function<String, String> env) {
        Path file = properties.litellmConfig();
        Set<String> configuredModels = new HashSet<>();
        Set<String> configuredDeployments = new HashSet<>();
        for (TollgateProperties.Model model : properties.models()) {
            configuredModels.add(model.name());
            List<TollgateProperties.Deployment> listed = model.deployments();
            if (listed.isEmpty()) {
                TollgateProperties.Deployment one = model.deployment();
                configuredDeployments.add(one.name() != null ? one.name() : model.name());
            } else {
                for (int i = 0; i < listed.size(); i++) {
                    configuredDeployments.add(listed.get(i).name() != null ? listed.get(i).name()
                            : model.name() + "-" + (i + 1));
                }
            }
        }
        LiteLlmImport imported = LiteLlmMapping.map(LiteLlmYaml.read(file), env, configuredModels,
                configuredDeployments);
        List<LiteLlmImport.Finding> stops = new ArrayList<>(imported.refusals());
        stops.addAll(imported.droppedFallbacks());
        if (properties.litellmStrict() && !stops.isEmpty()) {
            throw new IllegalStateException("The LiteLLM config " + file + " has entries or fallbacks Tollgate cannot "
                    + "serve (tollgate.litellm-strict is set):\n  " + stops.stream().map(Object::toString)
                    .collect(Collectors.joining("\n  ")));
        }
        imported.refusals().forEach(f -> log.error("LiteLLM config {}: {} refused: {}", file, f.field(), f.message()));
        imported.warnings().forEach(f -> log.warn("LiteLLM config {}: {}: {}", file, f.field(), f.message()));
        log.info("LiteLLM config {}: {} models imported ({}), {} deployments read, {} entries refused, {} warnings",
                file, imported.models().size(), imported.models().stream().map(TollgateProperties.Model::name)
                        .collect(Collectors.joining(", ")), imported.deployments().size(), imported.refusals().size(),
                imported.warnings().size());
        return imported;
    }
}
