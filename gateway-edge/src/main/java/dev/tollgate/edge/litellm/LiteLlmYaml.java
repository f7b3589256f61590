package dev.tollgate.edge.litellm;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a LiteLLM {@code config.yaml}. Numbers stay as the text written in the file, so that a per-token cost such as
 * {@code 0.0000025} becomes an exact decimal, never a double.
 */
public final class LiteLlmYaml {

    private LiteLlmYaml() {
    }

    /** YAML's implicit types without int and float: numbers are read as their text. */
    private static final class NumbersAsText extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
            addImplicitResolver(Tag.MERGE, MERGE, "<");
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
        }
    }

    public static Map<String, Object> read(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the LiteLLM config " + file + " (tollgate.litellm-config): "
                    + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(Reader reader) {
        LoaderOptions options = new LoaderOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
                options, new NumbersAsText());
        Object root = yaml.load(reader);
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalStateException("A LiteLLM config is a YAML mapping with a model_list.");
        }
        return (Map<String, Object>) map;
    }
}
