package dev.tollgate.edge.litellm;

import dev.tollgate.edge.config.TollgateProperties;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What a LiteLLM config became: the models to serve (one deployment each, for now), every deployment read (several
 * per model when the file has them), the router settings, and what was refused or only warned about.
 */
public record LiteLlmImport(List<TollgateProperties.Model> models, List<Deployment> deployments,
                            RouterSettings router, List<Finding> findings) {

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
     * One {@code model_list} entry Tollgate can serve.
     *
     * @param index           its position in {@code model_list}
     * @param used            whether it serves its model now (the first deployment of each model name)
     * @param inputPerMillion the prices per million tokens from the per-token costs, exact; {@code null} if none
     */
    public record Deployment(int index, String modelName, String deploymentName, String provider, String baseUrl,
                             String upstreamModel, String apiKeyEnv, String apiVersion, Integer rpm, Integer tpm,
                             Integer weight, Long maxOutputTokens, BigDecimal inputPerMillion,
                             BigDecimal cachedInputPerMillion, BigDecimal outputPerMillion, boolean used) {
    }

    /**
     * {@code router_settings} (and the same keys in {@code litellm_settings}).
     *
     * @param routingStrategy the LiteLLM name; {@code strategy} its Tollgate counterpart ({@code null}: none)
     */
    public record RouterSettings(String routingStrategy, String strategy, Integer numRetries,
                                 Map<String, List<String>> fallbacks,
                                 Map<String, List<String>> contextWindowFallbacks, Integer allowedFails,
                                 String cooldownTime) {
    }

    public List<Finding> refusals() {
        return findings.stream().filter(f -> f.level() == Level.REFUSED).toList();
    }

    public List<Finding> warnings() {
        return findings.stream().filter(f -> f.level() == Level.WARNING).toList();
    }
}
