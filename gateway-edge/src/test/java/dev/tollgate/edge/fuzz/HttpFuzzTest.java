package dev.tollgate.edge.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.edge.errors.HttpLimits;
import dev.tollgate.edge.support.GatewayTestSupport;
import dev.tollgate.edge.support.Http;
import dev.tollgate.edge.support.IdentityProvider;
import dev.tollgate.edge.support.RawHttp;
import dev.tollgate.edge.support.ServedRoutes;
import dev.tollgate.edge.support.ServedRoutes.Served;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded HTTP fuzzer over every route the application serves (read from its handler mappings, so a new route is
 * fuzzed the day it lands): paths with valid and mutated ids, query parameters and JSON bodies of wrong types, huge
 * strings, NUL and other control characters, unicode, numbers out of range, dates out of range; with the master key,
 * a manager's credential, an API key, a wrong key and none; with the Accept headers of browsers, SDKs and scripts, or
 * none. Whatever it sends: never a 5xx, and every error is OpenAI-shaped JSON with a bounded message that repeats no
 * long piece of the input, unless the client asked for a page: a browser sent to a sign-in route ({@code /sso/...})
 * may be shown an HTML page, bounded in size, under the pages' security headers.
 * <p>
 * {@code -Dfuzz.seed=…} replays a run (the seed is printed and named in every failure); {@code -Dfuzz.requests=…}
 * sends more (3,000 by default, about a minute).
 */
class HttpFuzzTest extends GatewayTestSupport {

    /** A piece of input longer than any echo: an error repeating it would show this much of it. */
    private static final String HUGE_MARK = "HUGE" + "q".repeat(HttpLimits.MAX_ECHO);

    /** An error page says why in a few sentences: far less than this. */
    private static final int MAX_PAGE = 4096;

    /**
     * Accept headers as clients send them, and whether each asks for a page rather than JSON: none (the OpenAI SDKs'
     * JSON, curl's {@code *}{@code /*}), a script's, a browser's navigation, HTML refused or below JSON, unreadable.
     */
    private static final Map<String, Boolean> ACCEPTS = Map.of(
            "*/*", false,
            "application/json", false,
            "application/json, text/plain, */*", false,
            IdentityProvider.BROWSER_ACCEPT, true,
            "text/html", true,
            "text/html;q=0.1, application/json", false,
            "text/html;q=0", false,
            "a/b/c;;q=x", false);
    private static final List<String> ACCEPT_VALUES = List.copyOf(new java.util.TreeSet<>(ACCEPTS.keySet()));

    @Autowired
    ApplicationContext context;

    private Random random;
    private final Map<String, List<String>> ids = new LinkedHashMap<>();
    private final List<String[]> credentials = new ArrayList<>();

    @Test
    void noGeneratedRequestGetsA5xxOrAnErrorOutsideOpenAisShape() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int requests = Integer.getInteger("fuzz.requests", 3000);
        System.out.println("HttpFuzzTest seed: " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
        random = new Random(seed);
        prepare();
        List<Served> served = ServedRoutes.of(context).stream()
                .filter(route -> !route.pattern().startsWith("/swagger-ui") && !route.pattern().startsWith("/webjars"))
                .toList();
        assertThat(served.size()).isGreaterThan(30);
        List<Served> routes = new ArrayList<>(served);
        for (Served route : served) {
            if (route.pattern().startsWith("/v1/")) { // the routes every key reaches: three times as often
                routes.add(route);
                routes.add(route);
            }
        }
        RawHttp raw = new RawHttp("127.0.0.1", port);
        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        List<String> slow = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            Served route = routes.get(random.nextInt(routes.size()));
            String method = random.nextInt(40) == 0 ? pick("GET", "POST", "PUT", "DELETE", "PATCH") : route.method();
            String target = path(route.pattern()) + query();
            String body = method.equals("GET") || method.equals("DELETE") ? (random.nextInt(20) == 0 ? body(route) : null)
                    : body(route);
            String[] credential = credentials.get(random.nextInt(credentials.size()));
            String accept = random.nextBoolean() ? null : ACCEPT_VALUES.get(random.nextInt(ACCEPT_VALUES.size()));
            String as = credential[0] + (accept == null ? "" : " accepting " + accept);
            RawHttp.Response response;
            long sent = System.nanoTime();
            try {
                response = raw.send(method, target, credential[1], body,
                        accept == null ? Map.of() : Map.of("Accept", accept));
            } catch (RuntimeException e) {
                if (target.length() > HttpLimits.MAX_REQUEST_LINE && body != null) {
                    // The server answered 414 and closed while the body was still being sent: TCP resets the
                    // connection, and the client's kernel may drop the answer before it is read.
                    statuses.merge(-414, 1, Integer::sum);
                    continue;
                }
                failures.add(describe(i, method, target, as, body) + " → no answer: " + e);
                continue;
            }
            statuses.merge(response.status(), 1, Integer::sum);
            long took = (System.nanoTime() - sent) / 1_000_000;
            if (took > 2_000) {
                slow.add(describe(i, method, target, as, body) + " took " + took + " ms → "
                        + response.status());
            }
            String problem = problemOf(target, accept != null && ACCEPTS.get(accept), response);
            if (problem != null) {
                failures.add(describe(i, method, target, as, body) + " → " + response.status() + " "
                        + clip(response.body(), 300) + ": " + problem);
            }
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        System.out.println("HttpFuzzTest: " + requests + " requests in " + seconds + " s, statuses " + statuses);
        slow.forEach(line -> System.out.println("HttpFuzzTest slow: " + line));
        failures.forEach(line -> System.out.println("HttpFuzzTest failure: " + line));
        assertThat(failures).as("seed " + seed + ": " + failures.size() + " failures, the first: "
                + String.join("\n", failures.subList(0, Math.min(20, failures.size())))).isEmpty();
        assertThat(statuses.keySet()).as("the fuzzer reaches routes, not only refusals").contains(200, 400, 401, 404);
    }

    /**
     * What is wrong with an answer, or null. Errors are OpenAI-shaped JSON, except for a client that asked for a page
     * ({@code asksForHtml}, a browser) at a sign-in route ({@code /sso/...}, where the identity provider sends a
     * browser): it may be shown an HTML page that says why, bounded, under the pages' security headers.
     */
    private static String problemOf(String target, boolean asksForHtml, RawHttp.Response response) {
        if (response.status() >= 500) {
            return "a 5xx";
        }
        // Errors must not echo more than HttpLimits.MAX_ECHO characters; a 2xx may list what an earlier request
        // stored (a reason in /audit, a name in /admin/teams) in full: that is data, not an echo.
        if (response.status() >= 400 && response.body().contains(HUGE_MARK)) {
            return "repeats a long piece of the input";
        }
        if (response.status() < 400) {
            return null;
        }
        if (String.valueOf(response.headers().get("content-type")).startsWith("text/html")) {
            if (!asksForHtml) {
                return "an HTML error to a client that did not ask for HTML";
            }
            if (!target.startsWith("/sso/")) {
                return "an HTML error outside the sign-in pages";
            }
            if (response.body().length() > MAX_PAGE) {
                return "an error page longer than " + MAX_PAGE;
            }
            String policy = String.valueOf(response.headers().get("content-security-policy"));
            if (!policy.contains("default-src 'none'") || !policy.contains("frame-ancestors 'none'")
                    || policy.contains("unsafe-inline")) {
                return "an error page without its Content-Security-Policy: " + policy;
            }
            if (!"DENY".equals(response.headers().get("x-frame-options"))
                    || !"no-referrer".equals(response.headers().get("referrer-policy"))
                    || !"nosniff".equals(response.headers().get("x-content-type-options"))) {
                return "an error page without X-Frame-Options, Referrer-Policy or X-Content-Type-Options";
            }
            return null;
        }
        JsonNode json = response.jsonOrNull();
        if (json == null || !json.path("error").isObject()) {
            return "an error that is not OpenAI-shaped JSON";
        }
        JsonNode error = json.path("error");
        if (!error.path("message").isTextual() || !error.path("type").isTextual() || !error.has("param")
                || !error.has("code")) {
            return "an error without message, type, param and code";
        }
        if (error.path("message").asText().length() > HttpLimits.MAX_MESSAGE) {
            return "a message longer than " + HttpLimits.MAX_MESSAGE;
        }
        if (!"nosniff".equals(response.headers().get("x-content-type-options"))) {
            return "no X-Content-Type-Options: nosniff";
        }
        return null;
    }

    // ------------------------------------------------------------------ state to aim at

    /**
     * Two sets of accounts: the ones whose ids the fuzzer puts in paths and bodies (it may revoke, rotate and remove
     * them), and the ones whose credentials it sends, which it never names, so that they keep working.
     */
    private void prepare() {
        String clientTeam = newTeam("1000", "100", "clamp");
        String clientKey = newUserKey(newUser(clientTeam, null), List.of());
        Credential clientManager = newCredential("manager", List.of(clientTeam), "500");
        Credential clientFinance = newCredential("finance", null, null);

        String team = newTeam("1000", "100", "clamp");
        String user = newUser(team, null);
        JsonNode key = issue(Map.of("name", "fuzz", "user_id", user));
        Credential manager = newCredential("manager", List.of(team), "500");
        Http.Response chat = chat(key.path("key").asText(), "gpt-test", Map.of());
        assertThat(chat.status()).as(chat.body()).isEqualTo(200);
        Http.Response boost = http().post("/admin/boosts", MASTER_KEY, Map.of("target", "team:" + team, "amount", "1",
                "ends_at", Instant.now().plusSeconds(86_400).toString(), "reason", "fuzz"));
        assertThat(boost.status()).as(boost.body()).isEqualTo(201);
        ids.put("team", List.of(team, clientTeam.substring(0, 5)));
        ids.put("user", List.of(user));
        ids.put("key", List.of(key.path("id").asText()));
        ids.put("credential", List.of(manager.id()));
        ids.put("request", List.of(chat.header("x-request-id")));
        ids.put("boost", List.of(boost.json().path("id").asText()));
        ids.put("model", List.of("gpt-test", "mock-model", "embed-test", "image-test", "gpt-cheap"));
        credentials.add(new String[]{"master", MASTER_KEY});
        credentials.add(new String[]{"master", MASTER_KEY});
        credentials.add(new String[]{"master", MASTER_KEY});
        credentials.add(new String[]{"manager", clientManager.secret()});
        credentials.add(new String[]{"finance", clientFinance.secret()});
        credentials.add(new String[]{"api key", clientKey});
        credentials.add(new String[]{"api key", clientKey});
        credentials.add(new String[]{"api key", clientKey});
        credentials.add(new String[]{"wrong key", "tg-wrong-000000000000000000000000000000"});
        credentials.add(new String[]{"none", null});
    }

    // ------------------------------------------------------------------ paths and queries

    private String path(String pattern) {
        StringBuilder path = new StringBuilder();
        for (String segment : pattern.substring(1).split("/")) {
            path.append('/');
            if (segment.startsWith("{") || segment.contains("*")) {
                path.append(pathValue(segment));
            } else {
                path.append(segment);
            }
        }
        if (random.nextInt(30) == 0) {
            path.append(pick("/", "/x", "%2F", ";a=b", "/..", "%00"));
        }
        return path.toString();
    }

    private String pathValue(String variable) {
        if (random.nextInt(100) < 45) {
            String kind = variable.replaceAll("[{}*]", "").replace("Id", "").replace("processingGroup", "group");
            List<String> known = ids.getOrDefault(kind, kind.equals("id") ? ids.get("boost") : List.of("x1"));
            return encode(known.get(random.nextInt(known.size())));
        }
        return encode(text());
    }

    private String query() {
        int count = random.nextInt(4);
        if (count == 0) {
            return "";
        }
        StringBuilder query = new StringBuilder("?");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                query.append('&');
            }
            String name = random.nextInt(15) == 0 ? text() : pick("from", "to", "limit", "offset", "cursor", "team_id",
                    "user_id", "key_id", "model", "provider", "tag", "format", "group_by", "month", "active_at",
                    "target", "actor", "entity", "action", "reason", "outcome", "include_revoked");
            query.append(encode(name)).append('=').append(encode(queryValue(name)));
        }
        return query.toString();
    }

    private String queryValue(String name) {
        return switch (random.nextInt(6)) {
            case 0 -> instantText();
            case 1 -> numberText();
            case 2 -> switch (name) {
                case "team_id" -> ids.get("team").get(0);
                case "user_id" -> ids.get("user").get(0);
                case "format" -> pick("json", "csv", "xml");
                case "group_by" -> pick("team", "user,model", "tag:course", "day,month,provider", "nosuch");
                case "month" -> pick("2026-11", "0000-01", "+999999999-01", "2026-13");
                case "tag" -> pick("course=cs101", "=", "a=" + "b".repeat(300));
                default -> "x";
            };
            default -> text();
        };
    }

    // ------------------------------------------------------------------ bodies

    private static final List<String> FIELDS = List.of("id", "name", "team_id", "user_id", "user_ids", "external_id",
            "budget", "member_budget", "limit", "period", "unlimited", "use_team_default", "remove", "reason",
            "over_budget_policy", "amount", "target", "starts_at", "ends_at", "expires_at", "allowed_models",
            "requests_per_minute", "tokens_per_minute", "metadata", "default_tags", "tags", "role", "teams",
            "budget_cap", "prices", "effective_from", "replace", "url", "data", "models", "model", "messages",
            "max_tokens", "max_completion_tokens", "stream", "stream_options", "n", "user", "input", "prompt", "size",
            "quality", "temperature", "instructions", "tools", "response_format", "approve", "ids");

    private String body(Served route) {
        switch (random.nextInt(25)) {
            case 0:
                return "";
            case 1:
                return "not json";
            case 2:
                return "[1,2,3]";
            case 3:
                return "\"a string\"";
            case 4:
                return "{\"model\":";
            case 5:
                return "{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}";
            default:
                break;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        if (route.pattern().startsWith("/v1/") && random.nextInt(3) > 0) {
            fields.put("model", random.nextInt(4) > 0 ? pick(ids.get("model").toArray(String[]::new)) : value(3));
            fields.put(route.pattern().contains("chat") ? "messages" : route.pattern().contains("images")
                    ? "prompt" : "input", route.pattern().contains("chat") ? messages() : value(2));
        }
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) {
            String field = FIELDS.get(random.nextInt(FIELDS.size()));
            fields.put(field, field.equals("url") ? pick("http://127.0.0.1:9/x", "ftp://x/y", "http://10.0.0.1/",
                    "http://169.254.169.254/latest", "not a url", HUGE_MARK) : value(3));
        }
        if (random.nextInt(10) == 0) {
            fields.put("reason", "fuzz");
        }
        return Json.write(fields);
    }

    private Object messages() {
        if (random.nextInt(4) == 0) {
            return value(2);
        }
        List<Object> messages = new ArrayList<>();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", pick("user", "system", "assistant", "tool", "nosuch"));
        message.put("content", random.nextInt(3) == 0 ? value(2) : "hello");
        messages.add(message);
        return messages;
    }

    /** A JSON value of any type, nested at most {@code depth} deep. */
    private Object value(int depth) {
        int kind = random.nextInt(depth > 0 ? 12 : 9);
        return switch (kind) {
            case 0, 1, 2 -> text();
            case 3 -> new Json.Raw(numberText());
            case 4 -> random.nextBoolean();
            case 5 -> null;
            case 6 -> instantText();
            case 7 -> amountText();
            case 8 -> random.nextInt(1000) - 10;
            case 9 -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(value(depth - 1));
                }
                yield list;
            }
            default -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    map.put(random.nextInt(3) == 0 ? text() : FIELDS.get(random.nextInt(FIELDS.size())), value(depth - 1));
                }
                if (random.nextBoolean()) {
                    map.put("limit", amountText());
                    map.put("period", pick("monthly", "daily", "weekly", "none", "yearly"));
                }
                yield map;
            }
        };
    }

    // ------------------------------------------------------------------ atoms

    private String text() {
        List<Supplier<String>> kinds = List.of(
                () -> "x" + random.nextInt(1000),
                () -> "",
                () -> " ",
                () -> HUGE_MARK + "z".repeat(random.nextInt(20_000)),
                () -> "a\u0000b",
                () -> "\u0001\u0007\u001b[31m",
                () -> "tab\there\nline",
                () -> "名前-ünï-çødé-😀",
                () -> "\uD800", // a lone surrogate
                () -> "../../etc/passwd",
                () -> "%00%2F%2e%2e",
                () -> "<script>alert(1)</script>",
                () -> "' OR 1=1 --",
                () -> "team:" + ids.get("team").get(0),
                () -> "tag:course:cs101",
                () -> "users",
                () -> ids.get("team").get(0),
                () -> ids.get("user").get(0),
                () -> "gpt-test",
                () -> "a".repeat(101),
                () -> "a".repeat(65),
                () -> "user:" + "u".repeat(200));
        return kinds.get(random.nextInt(kinds.size())).get();
    }

    private String numberText() {
        return pick("0", "-1", "1", "2147483648", "9223372036854775808", "-9223372036854775809", "1e308", "1e309",
                "-1e308", "1e100000000", "0.1", "1.5", "NaN", "99999999999999999999999999999999");
    }

    private String amountText() {
        return pick("1", "0.5", "100", "0", "-5", "+5", " 5", ".5", "1e3", "1e100000000", "٥", "0.0000000001",
                "99999999999999999", "9223372036.854775807", "abc", "");
    }

    private String instantText() {
        return pick("2026-03-01T00:00:00Z", "2026-03-01", Instant.now().plusSeconds(3600).toString(),
                "-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "2026-02-30",
                "2026-13-01T00:00:00Z", "yesterday", "1969-12-31T23:59:59Z", "9999-12-31T23:59:59Z", "");
    }

    @SafeVarargs
    private <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String describe(int index, String method, String target, String credential, String body) {
        return "#" + index + " " + method + " " + clip(target, 200) + " as " + credential
                + (body == null ? "" : " with " + clip(body, 300));
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…(" + text.length() + ")";
    }

    /** Writes generated values as JSON; a {@link Raw} number goes out as written (1e309, NaN: invalid on purpose). */
    static final class Json {

        record Raw(String text) {
        }

        static String write(Object value) {
            StringBuilder out = new StringBuilder();
            write(value, out);
            return out.toString();
        }

        private static void write(Object value, StringBuilder out) {
            if (value == null) {
                out.append("null");
            } else if (value instanceof Raw raw) {
                out.append(raw.text());
            } else if (value instanceof String text) {
                out.append('"');
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (c == '"' || c == '\\') {
                        out.append('\\').append(c);
                    } else if (c < 0x20 || Character.isSurrogate(c) && !validPair(text, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
                out.append('"');
            } else if (value instanceof Map<?, ?> map) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(String.valueOf(entry.getKey()), out);
                    out.append(':');
                    write(entry.getValue(), out);
                }
                out.append('}');
            } else if (value instanceof List<?> list) {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(list.get(i), out);
                }
                out.append(']');
            } else {
                out.append(value);
            }
        }

        private static boolean validPair(String text, int i) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            }
            return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
        }
    }
}
