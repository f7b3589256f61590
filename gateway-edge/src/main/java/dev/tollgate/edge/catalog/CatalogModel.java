package dev.tollgate.edge.catalog;

import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.edge.config.TollgateProperties;

import java.util.List;

/**
 * A public model: its output cap, the deployments serving it, its routing settings, and the prices the configuration
 * file gives it.
 * <p>
 * A {@code CatalogModel} is also what a provider is handed for one attempt: then it stands for the model on one
 * deployment ({@link #deployments()} lists the model on each of its deployments, the first being the model itself
 * on its first deployment).
 *
 * @param configuredPrice the file's prices, published into the price book at start; {@code null} when the model
 *                        is priced through the API only
 * @param deploymentName  the name reports show for the deployment
 * @param upstreamModel   the model name sent upstream
 * @param contextWindow   the most tokens the model reads, {@code null} when unknown
 * @param maxImageTokens  the most prompt tokens one image counts for on this model
 * @param hiddenReasoning whether the model reasons without streaming its reasoning (OpenAI's o-series, gpt-5): a
 *                        stream of it settled without the upstream's usage is charged the output tokens granted
 */
public record CatalogModel(String name, long maxOutputTokens, ModelPrice configuredPrice, String provider,
                           String deploymentName, String upstreamModel, TollgateProperties.Deployment deployment,
                           List<CatalogModel> deploymentList, Long contextWindow, ModelRouting routing,
                           long maxImageTokens, boolean hiddenReasoning) {

    /** A model with one deployment, the default routing and the configuration's default for images. */
    public CatalogModel(String name, long maxOutputTokens, ModelPrice configuredPrice, String provider,
                        String deploymentName, String upstreamModel, TollgateProperties.Deployment deployment) {
        this(name, maxOutputTokens, configuredPrice, provider, deploymentName, upstreamModel, deployment, List.of(),
                null, ModelRouting.DEFAULT,
                TollgateProperties.Model.DEFAULT_MAX_IMAGE_TOKENS, false);
    }

    /** The model on each of its deployments, in the configuration's order. */
    public List<CatalogModel> deployments() {
        return deploymentList.isEmpty() ? List.of(this) : deploymentList;
    }

    /**
     * The chat body field this deployment reads a request's output limit from: the client's limit (whichever field the
     * client used) or a clamp's grant goes there, alone.
     */
    public String outputLimitField() {
        if (deployment != null && deployment.outputLimitField() != null) {
            return deployment.outputLimitField().field();
        }
        String baseUrl = deployment == null ? null : deployment.baseUrl();
        return TollgateProperties.OutputLimitField.defaultFor(provider, baseUrl, upstreamModel).field();
    }

    /**
     * The most prompt tokens this model may count for a prompt of {@code text} tokens besides its {@code images}
     * images: each image at its worst case here, whatever its size (Tollgate does not fetch or decode images).
     */
    public long promptTokens(long text, long images) {
        return text + images * maxImageTokens;
    }

    /** Whether a prompt of this many tokens, with room for at least one answer token, fits the context window. */
    public boolean fits(long promptTokens) {
        return contextWindow == null || promptTokens < contextWindow;
    }

    /**
     * Whether an input of this many tokens that generates no tokens (an embeddings input) fits the context window:
     * an input as long as the window does.
     */
    public boolean holds(long inputTokens) {
        return contextWindow == null || inputTokens <= contextWindow;
    }
}
