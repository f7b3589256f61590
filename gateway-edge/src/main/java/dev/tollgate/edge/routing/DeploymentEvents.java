package dev.tollgate.edge.routing;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.routing.UsageStore.DeploymentUsage;

/**
 * What the {@link Router} tells whoever shows deployment state (telemetry's {@code DeploymentStates}): the usage it
 * read while choosing, and the cooldowns it starts. Called on the request's thread: implementations must not block.
 */
public interface DeploymentEvents {

    DeploymentEvents NONE = new DeploymentEvents() {
        @Override
        public void seen(CatalogModel deployment, DeploymentUsage usage, long nowMillis) {
        }

        @Override
        public void coolingDown(String deployment, long untilMillis) {
        }
    };

    /** A deployment's usage as the usage store (possibly shared through Redis) reported it at {@code nowMillis}. */
    void seen(CatalogModel deployment, DeploymentUsage usage, long nowMillis);

    /** A failure recorded by this node put the deployment in cooldown until {@code untilMillis}. */
    void coolingDown(String deployment, long untilMillis);
}
