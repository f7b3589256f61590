package dev.tollgate.edge.provider;

import dev.tollgate.edge.catalog.CatalogModel;
import org.springframework.stereotype.Component;

/** Finds the provider implementation of a model's deployment. */
@Component
public class Providers {

    private final OpenAiCompatibleProvider openAi;
    private final MockProvider mock;
    private final AzureOpenAiProvider azure;
    private final AnthropicProvider anthropic;

    public Providers(OpenAiCompatibleProvider openAi, MockProvider mock, AzureOpenAiProvider azure,
                     AnthropicProvider anthropic) {
        this.openAi = openAi;
        this.mock = mock;
        this.azure = azure;
        this.anthropic = anthropic;
    }

    public ChatProvider of(CatalogModel model) {
        return switch (model.provider()) {
            case "mock" -> mock;
            case "openai" -> openAi;
            case "azure" -> azure;
            case "anthropic" -> anthropic;
            default -> throw new IllegalStateException("Model '" + model.name() + "' names an unknown provider '"
                    + model.provider() + "' (openai, azure, anthropic or mock)");
        };
    }
}
