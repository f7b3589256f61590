package dev.tollgate.edge.litellm;

import dev.tollgate.edge.config.TollgateProperties;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a LiteLLM config became: the models to serve (each with all its usable entries as deployments), every
 * deployment, the router settings applied to the imported models, and what was refused or only warned about.
 *
 * @param droppedFallbacks the warnings about fallbacks naming a model that is neither imported nor configured (they
 *                         are left out; {@code tollgate.litellm-strict} refuses to start on them)
 */
public record LiteLlmImport(List<TollgateProperties.Model> models, List<Deployment> deployments,
                            RouterSettings router, List<Finding> findings, List<Finding> droppedFallbacks) {

    public enum Level { REFUSED, WARNING }

    /**
     * @param field the field of the file, e.g. {@code model_list[3].litellm_params.api_key}
     */
    public record Finding(Level level, String field, String message) {
        @Override
        public String toString() {
            return level + " " + field + ": " + message;
        }
    }

    /**
     * One {@code model_list} entry Tollgate serves: a deployment of its model.
     *
     * @param index           its position in {@code model_list}
     * @param deploymentName  unique among the imported and configured deployments
     * @param timeout         {@code litellm_params.timeout} (else {@code litellm_settings.request_timeout});
     *                        {@code null}: {@code tollgate.edge.upstream-timeout}
     * @param inputPerMillion the prices per million tokens from the per-token costs, exact; {@code null} if none
     */
    public record Deployment(int index, String modelName, String deploymentName, String provider, String baseUrl,
                             String upstreamModel, String apiKeyEnv, String apiVersion, Integer rpm, Integer tpm,
                             Integer weight, Duration timeout, Long maxOutputTokens, BigDecimal inputPerMillion,
                             BigDecimal cachedInputPerMillion, BigDecimal outputPerMillion, Long maxInputTokens) {
    }

    /**
     * {@code router_settings} (and the same keys in {@code litellm_settings}), as applied to every imported model's
     * {@code routing}; {@code null}: not in the file (or not usable), the {@code tollgate.routing} default applies.
     *
     * @param routingStrategy the LiteLLM name; {@code strategy} its Tollgate counterpart
     * @param fallbacks       by imported model, the fallbacks kept (naming imported or configured models)
     */
    public record RouterSettings(String routingStrategy, TollgateProperties.Strategy strategy, Integer numRetries,
                                 Map<String, List<String>> fallbacks,
                                 Map<String, List<String>> contextWindowFallbacks, Integer allowedFails,
                                 Duration cooldownTime) {
    }

    public List<Finding> refusals() {
        return findings.stream().filter(f -> f.level() == Level.REFUSED).toList();
    }

    public List<Finding> warnings() {
        return findings.stream().filter(f -> f.level() == Level.WARNING).toList();
    }
}
