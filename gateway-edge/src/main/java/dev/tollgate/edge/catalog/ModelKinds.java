package dev.tollgate.edge.catalog;

import dev.tollgate.edge.errors.ApiError;
import org.springframework.http.HttpStatus;

/** The check that a model serves the route it is asked on. */
public final class ModelKinds {

    private ModelKinds() {
    }

    /** A 400 {@code model_not_supported} when {@code model} is not of the {@code expected} kind. */
    public static void require(ModelCatalog catalog, CatalogModel model, ModelKind expected, String route) {
        ModelKind kind = catalog.kind(model);
        if (kind != expected) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_request_error", "model_not_supported", "model",
                    "The model '" + model.name() + "' is " + (kind == ModelKind.IMAGE ? "an " : "a ")
                            + kind.configName() + " model: it serves " + kind.routes() + ", not " + route + ".");
        }
    }
}
