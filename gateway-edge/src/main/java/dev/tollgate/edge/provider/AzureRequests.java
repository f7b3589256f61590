package dev.tollgate.edge.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.edge.catalog.CatalogModel;
import org.springframework.web.util.UriUtils;

import java.nio.charset.StandardCharsets;

/** How a chat completion request is addressed and shaped for Azure OpenAI (pure, unit-tested). */
public final class AzureRequests {

    /** The latest generally available data-plane inference version when the deployment names none. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";
    /** The first api-version that accepts {@code stream_options} (older ones refuse the field). */
    static final String FIRST_WITH_STREAM_OPTIONS = "2024-09-01";

    private AzureRequests() {
    }

    public static String apiVersion(CatalogModel model) {
        String version = model.deployment().apiVersion();
        return version == null || version.isBlank() ? DEFAULT_API_VERSION : version.trim();
    }

    public static String deploymentName(CatalogModel model) {
        String name = model.deployment().azureDeployment();
        return name == null || name.isBlank() ? model.upstreamModel() : name.trim();
    }

    /**
     * {@code {base}/openai/deployments/{deployment}/chat/completions?api-version=…}. The base is the resource's
     * endpoint ({@code https://NAME.openai.azure.com}); a base already ending in {@code /openai} is accepted too.
     */
    public static String url(CatalogModel model) {
        String base = UpstreamHttp.trimSlash(model.deployment().baseUrl());
        String root = base.endsWith("/openai") ? base : base + "/openai";
        return root + "/deployments/" + UriUtils.encodePathSegment(deploymentName(model), StandardCharsets.UTF_8)
                + "/chat/completions?api-version=" + UriUtils.encodeQueryParam(apiVersion(model),
                StandardCharsets.UTF_8);
    }

    /**
     * The body Azure gets: the client's, except that {@code stream_options} is left out for api-versions that refuse
     * it (before 2024-09-01); the gateway then counts a stream's tokens itself. The body given is the one every
     * attempt of the request shares, so it is never changed: without {@code stream_options}, Azure gets its own
     * (shallow) copy, and a later attempt on another deployment is still asked for its usage.
     */
    public static ObjectNode body(CatalogModel model, ObjectNode body) {
        if (!body.has("stream_options") || acceptsStreamOptions(apiVersion(model))) {
            return body;
        }
        ObjectNode own = body.objectNode();
        body.fields().forEachRemaining(field -> {
            if (!field.getKey().equals("stream_options")) {
                own.set(field.getKey(), field.getValue());
            }
        });
        return own;
    }

    static boolean acceptsStreamOptions(String apiVersion) {
        String date = apiVersion.length() >= 10 ? apiVersion.substring(0, 10) : apiVersion;
        return date.compareTo(FIRST_WITH_STREAM_OPTIONS) >= 0;
    }
}
