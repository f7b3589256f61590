package dev.tollgate.query.spend;

import dev.tollgate.query.support.Amounts;
import dev.tollgate.query.support.BadQuery;
import dev.tollgate.query.support.QueryParams;
import dev.tollgate.query.support.Jsons;
import dev.tollgate.readmodel.tables.records.MessageCostsRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.tollgate.readmodel.Tables.MESSAGE_COSTS;

/** Per-message costs from {@code message_costs}. */
@Service
public class SpendQueries {

    private final DSLContext dsl;

    public SpendQueries(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * @param tags  every one of these tags (key → value) must be on the request
     * @param scope the teams (or the one user) the caller may see
     */
    public record MessageFilter(String teamId, String userId, String keyId, Instant from, Instant to,
                                Map<String, String> tags, String cursor, int limit, Condition scope) {
    }

    public Optional<MessageCostView> message(String requestId) {
        return dsl.selectFrom(MESSAGE_COSTS).where(MESSAGE_COSTS.REQUEST_ID.eq(requestId)).fetchOptional()
                .map(SpendQueries::view);
    }

    /** Tags as {@code key=value} or {@code key:value} parameters, each required on the request. */
    public static Map<String, String> tags(List<String> parameters) {
        Map<String, String> tags = new java.util.TreeMap<>();
        for (String parameter : parameters == null ? List.<String>of() : parameters) {
            int separator = parameter.indexOf('=') >= 0 ? parameter.indexOf('=') : parameter.indexOf(':');
            if (separator <= 0) {
                throw new BadQuery("'tag' is key=value (or key:value), not '" + parameter + "'");
            }
            tags.put(parameter.substring(0, separator).trim(), parameter.substring(separator + 1).trim());
        }
        return tags;
    }

    /** Newest first, paged by a cursor on (started_at, request_id) so that pages never overlap or skip. */
    public MessageCostPage messages(MessageFilter filter) {
        List<Condition> where = new ArrayList<>();
        where.add(filter.scope());
        if (!filter.tags().isEmpty()) {
            where.add(DSL.condition("{0} @> {1}::jsonb", MESSAGE_COSTS.TAGS, Jsons.write(filter.tags())));
        }
        if (filter.teamId() != null) {
            where.add(MESSAGE_COSTS.TEAM_ID.eq(filter.teamId()));
        }
        if (filter.userId() != null) {
            where.add(MESSAGE_COSTS.USER_ID.eq(filter.userId()));
        }
        if (filter.keyId() != null) {
            where.add(MESSAGE_COSTS.KEY_ID.eq(filter.keyId()));
        }
        if (filter.from() != null) {
            where.add(MESSAGE_COSTS.STARTED_AT.ge(filter.from()));
        }
        if (filter.to() != null) {
            where.add(MESSAGE_COSTS.STARTED_AT.lt(filter.to()));
        }
        if (filter.cursor() != null) {
            Cursor cursor = Cursor.parse(filter.cursor());
            where.add(DSL.row(MESSAGE_COSTS.STARTED_AT, MESSAGE_COSTS.REQUEST_ID)
                    .lt(cursor.startedAt(), cursor.requestId()));
        }
        List<MessageCostsRecord> rows = dsl.selectFrom(MESSAGE_COSTS)
                .where(where)
                .orderBy(MESSAGE_COSTS.STARTED_AT.desc(), MESSAGE_COSTS.REQUEST_ID.desc())
                .limit(filter.limit() + 1)
                .fetch();
        boolean hasMore = rows.size() > filter.limit();
        List<MessageCostsRecord> page = hasMore ? rows.subList(0, filter.limit()) : rows;
        String next = hasMore ? new Cursor(page.get(page.size() - 1).getStartedAt(),
                page.get(page.size() - 1).getRequestId()).format() : null;
        return new MessageCostPage("list", page.stream().map(SpendQueries::view).toList(), hasMore, next);
    }

    record Cursor(Instant startedAt, String requestId) {

        static Cursor parse(String value) {
            int separator = value.indexOf('~');
            try {
                return new Cursor(QueryParams.bounded("cursor", Instant.parse(value.substring(0, separator))),
                        value.substring(separator + 1));
            } catch (RuntimeException e) {
                throw new BadQuery("'cursor' is not a cursor returned by this route: '" + QueryParams.shown(value)
                        + "'");
            }
        }

        String format() {
            return startedAt + "~" + requestId;
        }
    }

    static MessageCostView view(MessageCostsRecord r) {
        Long total = r.getPromptTokens() == null ? null
                : r.getPromptTokens() + (r.getCompletionTokens() == null ? 0 : r.getCompletionTokens());
        return new MessageCostView(r.getRequestId(), r.getStartedAt(), r.getFinishedAt(), r.getTeamId(),
                r.getUserId(), r.getKeyId(), r.getModel(), r.getProvider(), r.getDeployment(), r.getOutcome(),
                r.getReason(), Amounts.format(r.getReserved()), Amounts.format(r.getCost()),
                new MessageCostView.Usage(r.getPromptTokens(), r.getCompletionTokens(), r.getCachedTokens(),
                        r.getReasoningTokens(), total),
                r.getRequestedMaxTokens(), r.getGrantedMaxTokens(), Boolean.TRUE.equals(r.getClamped()),
                r.getPriceVersion(), r.getLatencyMs(), Boolean.TRUE.equals(r.getFlagged()),
                Jsons.stringMap(r.getTags()), Amounts.format(r.getAdjustedCost()), r.getImages(),
                r.getRequestedModel(), r.getAttempts(), Amounts.format(r.getOverrun()));
    }

}
