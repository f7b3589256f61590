package dev.tollgate.edge.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.tollgate.api.money.AccountBalance;
import dev.tollgate.api.money.Money;
import dev.tollgate.api.spend.SpendReserved;
import dev.tollgate.api.spend.SpendSettled;
import dev.tollgate.api.spend.Usage;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * The two events every request appends ({@link SpendReserved}, {@link SpendSettled}) written field by field, in the
 * JSON Jackson's bean serializer writes for them, byte for byte: the components in declaration order, nulls as
 * {@code null}, amounts as their decimal strings, instants as {@link FastInstantSerializer} writes them.
 * <p>
 * Serializing them was 5.5 % of the JVM's CPU at saturation, most of it the bean serializer's generic walk (a
 * property writer and a serializer looked up per field, accessors called reflectively). Only writing changes: they
 * are read by Jackson as before, and the stored JSON is the same, so the upcasters and the SQL that reads payloads
 * are untouched. {@code SpendEventsJsonTest} compares the two writers on random events with every component set
 * (a component added to either record and not here fails it).
 */
final class SpendEventsJson {

    private static final FastInstantSerializer INSTANTS = new FastInstantSerializer();

    private SpendEventsJson() {
    }

    static SimpleModule module() {
        return new SimpleModule("tollgate-spend-events")
                .addSerializer(SpendReserved.class, new StdSerializer<>(SpendReserved.class) {
                    @Override
                    public void serialize(SpendReserved e, JsonGenerator json, SerializerProvider provider)
                            throws IOException {
                        json.writeStartObject(e);
                        json.writeStringField("requestId", e.requestId());
                        json.writeStringField("teamId", e.teamId());
                        json.writeStringField("userId", e.userId());
                        json.writeStringField("keyId", e.keyId());
                        json.writeStringField("model", e.model());
                        money(json, "amount", e.amount());
                        json.writeNumberField("requestedMaxTokens", e.requestedMaxTokens());
                        json.writeNumberField("grantedMaxTokens", e.grantedMaxTokens());
                        json.writeBooleanField("clamped", e.clamped());
                        instant(json, "at", e.at(), provider);
                        instant(json, "expiresAt", e.expiresAt(), provider);
                        tags(json, e.tags());
                        balance(json, "teamBalance", e.teamBalance(), provider);
                        balance(json, "userBalance", e.userBalance(), provider);
                        balance(json, "keyBalance", e.keyBalance(), provider);
                        json.writeEndObject();
                    }
                })
                .addSerializer(SpendSettled.class, new StdSerializer<>(SpendSettled.class) {
                    @Override
                    public void serialize(SpendSettled e, JsonGenerator json, SerializerProvider provider)
                            throws IOException {
                        json.writeStartObject(e);
                        json.writeStringField("requestId", e.requestId());
                        json.writeStringField("teamId", e.teamId());
                        json.writeStringField("userId", e.userId());
                        json.writeStringField("keyId", e.keyId());
                        json.writeStringField("model", e.model());
                        json.writeStringField("provider", e.provider());
                        json.writeStringField("deployment", e.deployment());
                        usage(json, e.usage());
                        money(json, "reserved", e.reserved());
                        money(json, "cost", e.cost());
                        json.writeStringField("priceVersion", e.priceVersion());
                        json.writeNumberField("latencyMillis", e.latencyMillis());
                        instant(json, "reservedAt", e.reservedAt(), provider);
                        instant(json, "at", e.at(), provider);
                        balance(json, "teamBalance", e.teamBalance(), provider);
                        balance(json, "userBalance", e.userBalance(), provider);
                        balance(json, "keyBalance", e.keyBalance(), provider);
                        tags(json, e.tags());
                        json.writeNumberField("attempts", e.attempts());
                        json.writeEndObject();
                    }
                });
    }

    private static void money(JsonGenerator json, String name, Money amount) throws IOException {
        json.writeStringField(name, amount == null ? null : amount.toDecimalString());
    }

    private static void instant(JsonGenerator json, String name, Instant at, SerializerProvider provider)
            throws IOException {
        json.writeFieldName(name);
        if (at == null) {
            json.writeNull();
        } else {
            INSTANTS.serialize(at, json, provider);
        }
    }

    private static void tags(JsonGenerator json, Map<String, String> tags) throws IOException {
        json.writeObjectFieldStart("tags");
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            json.writeStringField(tag.getKey(), tag.getValue());
        }
        json.writeEndObject();
    }

    private static void usage(JsonGenerator json, Usage usage) throws IOException {
        json.writeFieldName("usage");
        if (usage == null) {
            json.writeNull();
            return;
        }
        json.writeStartObject(usage);
        json.writeNumberField("promptTokens", usage.promptTokens());
        json.writeNumberField("completionTokens", usage.completionTokens());
        json.writeNumberField("cachedPromptTokens", usage.cachedPromptTokens());
        json.writeNumberField("reasoningTokens", usage.reasoningTokens());
        json.writeNumberField("images", usage.images());
        json.writeStringField("imageVariant", usage.imageVariant());
        json.writeEndObject();
    }

    private static void balance(JsonGenerator json, String name, AccountBalance balance, SerializerProvider provider)
            throws IOException {
        json.writeFieldName(name);
        if (balance == null) {
            json.writeNull();
            return;
        }
        json.writeStartObject(balance);
        money(json, "limit", balance.limit());
        json.writeStringField("period", balance.period() == null ? null : balance.period().wireName());
        instant(json, "periodStart", balance.periodStart(), provider);
        instant(json, "periodEnd", balance.periodEnd(), provider);
        money(json, "spent", balance.spent());
        money(json, "reserved", balance.reserved());
        money(json, "overrun", balance.overrun());
        json.writeEndObject();
    }
}
