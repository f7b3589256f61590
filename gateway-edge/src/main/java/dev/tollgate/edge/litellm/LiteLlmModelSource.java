package dev.tollgate.edge.litellm;

import dev.tollgate.edge.config.TollgateProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * At start, when {@code tollgate.litellm-config} names a LiteLLM proxy config, adds its models to
 * {@code tollgate.models} before anything reads them (the catalog, the price book seeding). Refused entries are left
 * out with an error in the log, or stop the start when {@code tollgate.litellm-strict} is set.
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
        LiteLlmImport imported = LiteLlmMapping.map(LiteLlmYaml.read(file), env);
        if (properties.isLitellmStrict() && !imported.refusals().isEmpty()) {
            throw new IllegalStateException("The LiteLLM config " + file + " has entries Tollgate cannot serve "
                    + "(tollgate.litellm-strict is set):\n  " + imported.refusals().stream().map(Object::toString)
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
