package dev.tollgate.edge.catalog;

import dev.tollgate.edge.config.TollgateProperties;

/**
 * A public model: its prices, output cap and the deployment serving it.
 *
 * @param deploymentName the name reports show for the deployment
 * @param upstreamModel  the model name sent upstream
 */
public record CatalogModel(String name, long maxOutputTokens, ModelPrices prices, String provider,
                           String deploymentName, String upstreamModel, TollgateProperties.Deployment deployment) {
}
