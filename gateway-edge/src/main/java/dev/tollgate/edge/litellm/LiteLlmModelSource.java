package dev.tollgate.edge.litellm;

import dev.tollgate.edge.config.TollgateProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.stream.Collectors;

/**
 * At start, when {@code tollgate.litellm-config} names a LiteLLM proxy config, adds its models (with their
 * deployments and routing) to {@code tollgate.models} before anything reads them (the catalog, the router, the price
 * book seeding). Refused entries and fallbacks to unknown models are left out with a line in the log, or stop the
 * start when {@code tollgate.litellm-strict} is set.
 */
@Component
public class LiteLlmModelSource implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(LiteLlmModelSource.class);

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof TollgateProperties properties && properties.getLitellmConfig() != null) {
            apply(properties, System::getenv);
        }
        return bean;
    }

    static LiteLlmImport apply(TollgateProperties properties, java.util.function.Function<String, String> env) {
        Path file = properties.getLitellmConfig();
        Set<String> configuredModels = new HashSet<>();
        Set<String> configuredDeployments = new HashSet<>();
        for (TollgateProperties.Model model : properties.getModels()) {
            configuredModels.add(model.getName());
            List<TollgateProperties.Deployment> listed = model.getDeployments();
            if (listed == null || listed.isEmpty()) {
                TollgateProperties.Deployment one = model.getDeployment();
                configuredDeployments.add(one.getName() != null ? one.getName() : model.getName());
            } else {
                for (int i = 0; i < listed.size(); i++) {
                    configuredDeployments.add(listed.get(i).getName() != null ? listed.get(i).getName()
                            : model.getName() + "-" + (i + 1));
                }
            }
        }
        LiteLlmImport imported = LiteLlmMapping.map(LiteLlmYaml.read(file), env, configuredModels,
                configuredDeployments);
        List<LiteLlmImport.Finding> stops = new ArrayList<>(imported.refusals());
        stops.addAll(imported.droppedFallbacks());
        if (properties.isLitellmStrict() && !stops.isEmpty()) {
            throw new IllegalStateException("The LiteLLM config " + file + " has entries or fallbacks Tollgate cannot "
                    + "serve (tollgate.litellm-strict is set):\n  " + stops.stream().map(Object::toString)
                    .collect(Collectors.joining("\n  ")));
        }
        imported.refusals().forEach(f -> log.error("LiteLLM config {}: {} refused: {}", file, f.field(), f.message()));
        imported.warnings().forEach(f -> log.warn("LiteLLM config {}: {}: {}", file, f.field(), f.message()));
        List<TollgateProperties.Model> models = new ArrayList<>(properties.getModels());
        models.addAll(imported.models());
        properties.setModels(models);
        log.info("LiteLLM config {}: {} models imported ({}), {} deployments read, {} entries refused, {} warnings",
                file, imported.models().size(), imported.models().stream().map(TollgateProperties.Model::getName)
                        .collect(Collectors.joining(", ")), imported.deployments().size(), imported.refusals().size(),
                imported.warnings().size());
        return imported;
    }
}
