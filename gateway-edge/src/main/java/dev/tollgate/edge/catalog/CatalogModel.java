package dev.tollgate.edge.catalog;

import dev.tollgate.api.money.ModelPrice;
import dev.tollgate.edge.config.TollgateProperties;

/**
 * A public model: its output cap, the deployment serving it, and the prices the configuration file gives it.
 *
 * @param configuredPrice the file's prices, published into the price book at start; {@code null} when the model
 *                        is priced through the API only
 * @param deploymentName  the name reports show for the deployment
 * @param upstreamModel   the model name sent upstream
 */
public record CatalogModel(String name, long maxOutputTokens, ModelPrice configuredPrice, String provider,
                           String deploymentName, String upstreamModel, TollgateProperties.Deployment deployment) {
}
