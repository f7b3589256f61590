package dev.tollgate.edge.openai;

import dev.tollgate.edge.catalog.CatalogModel;
import dev.tollgate.edge.catalog.ModelCatalog;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.security.ApiKeyAuthenticator;
import dev.tollgate.edge.security.BearerToken;
import dev.tollgate.query.directory.KeyRecord;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;

/** {@code GET /v1/models}: the models the presented key may use, in OpenAI's list shape. */
@Component
public class ModelsHandler {

    private final ApiKeyAuthenticator authenticator;
    private final ModelCatalog catalog;

    public ModelsHandler(ApiKeyAuthenticator authenticator, ModelCatalog catalog) {
        this.authenticator = authenticator;
        this.catalog = catalog;
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        return authenticator.authenticate(BearerToken.from(request.headers().asHttpHeaders()))
                .flatMap(key -> ServerResponse.ok().bodyValue(Map.of("object", "list", "data",
                        catalog.all().stream().filter(m -> key.allows(m.name())).map(ModelsHandler::entry).toList())));
    }

    public Mono<ServerResponse> one(ServerRequest request) {
        String name = request.pathVariable("model");
        return authenticator.authenticate(BearerToken.from(request.headers().asHttpHeaders()))
                .flatMap(key -> {
                    List<CatalogModel> visible = catalog.find(name).filter(m -> allows(key, m)).stream().toList();
                    return visible.isEmpty() ? Mono.error(ApiError.modelNotFound(name))
                            : ServerResponse.ok().bodyValue(entry(visible.get(0)));
                });
    }

    private static boolean allows(KeyRecord key, CatalogModel model) {
        return key.allows(model.name());
    }

    private static Map<String, Object> entry(CatalogModel model) {
        return Map.of("id", model.name(), "object", "model", "created", 0, "owned_by", "tollgate");
    }
}
