package dev.tollgate.edge.telemetry;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelCatalog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The state of each deployment as the gauge {@code tollgate.deployment.state{deployment,model,provider,state}}: 1 for
 * the deployment's current state, 0 for the others. Every configured deployment starts {@link State#UP}; routing
 * reports cooldowns with {@link #set}. Deployments are configured, so the labels are bounded.
 */
@Component
public class DeploymentStates {

    public enum State {
        UP, COOLDOWN;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry meters;
    private final Map<String, AtomicReference<State>> states = new ConcurrentHashMap<>();

    public DeploymentStates(ModelCatalog catalog, MeterRegistry meters) {
        this.meters = meters;
        for (CatalogModel model : catalog.all()) {
            register(model.deploymentName(), model.name(), model.provider());
        }
    }

    /** Adds a deployment (routing adds its own when one model has several); a known one is left as it is. */
    public void register(String deployment, String model, String provider) {
        states.computeIfAbsent(deployment, name -> {
            AtomicReference<State> state = new AtomicReference<>(State.UP);
            for (State each : State.values()) {
                Gauge.builder("tollgate.deployment.state", state, s -> s.get() == each ? 1 : 0)
                        .description("1 for the deployment's current state (up, cooldown), 0 for the others")
                        .tag("deployment", name).tag("model", model == null ? "" : model)
                        .tag("provider", provider == null ? "" : provider).tag("state", each.label())
                        .register(meters);
            }
            return state;
        });
    }

    /** Reports a deployment's state; unknown deployments are ignored (register them first). */
    public void set(String deployment, State state) {
        AtomicReference<State> current = states.get(deployment);
        if (current != null) {
            current.set(state);
        }
    }

    public State state(String deployment) {
        AtomicReference<State> current = states.get(deployment);
        return current == null ? null : current.get();
    }
}
