package dev.tollgate.edge.provider;

import dev.tollgate.edge.catalog.CatalogModel;
import org.springframework.stereotype.Component;

/** Finds the provider implementation of a model's deployment. */
@Component
public class Providers {

    private final OpenAiCompatibleProvider openAi;
    private final MockProvider mock;

    public Providers(OpenAiCompatibleProvider openAi, MockProvider mock) {
        this.openAi = openAi;
        this.mock = mock;
    }

    public ChatProvider of(CatalogModel model) {
        return switch (model.provider()) {
            case "mock" -> mock;
            case "openai" -> openAi;
            default -> throw new IllegalStateException("Model '" + model.name() + "' names an unknown provider '"
                    + model.provider() + "' (openai or mock)");
        };
    }
}
