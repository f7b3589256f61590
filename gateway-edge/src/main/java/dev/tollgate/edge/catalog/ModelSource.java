package dev.tollgate.edge.catalog;

import dev.tollgate.edge.config.TollgateProperties;

import java.util.List;

/**
 * Models served beside those of {@code tollgate.models}, found at start: the LiteLLM import
 * (docs/litellm-migration.md). The catalog reads each source once, when it is built, after the configured models;
 * the configuration itself is never changed.
 */
public interface ModelSource {

    /** The models to serve besides the configured ones, in order. */
    List<TollgateProperties.Model> models();
}
