package dev.tollgate.query.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.query.support.BadQuery;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.tollgate.readmodel.Tables.AUDIT_LOG;

/** The audit trail, newest first, from {@code audit_log}. Read only: no route changes it. */
@Service
public class AuditQueries {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DSLContext dsl;

    public AuditQueries(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * @param entity {@code <type>:<id>} (for example {@code team:cs101}) or an id of any type
     * @param before a cursor: the id of the last entry of the previous page
     */
    public Map<String, Object> entries(Instant from, Instant to, String actor, String entity, String action,
                                       Long before, int limit, Condition scope) {
        List<Condition> where = new ArrayList<>();
        where.add(scope);
        if (from != null) {
            where.add(AUDIT_LOG.AT.ge(from));
        }
        if (to != null) {
            where.add(AUDIT_LOG.AT.lt(to));
        }
        if (actor != null) {
            where.add(AUDIT_LOG.ACTOR.eq(actor));
        }
        if (action != null) {
            where.add(AUDIT_LOG.ACTION.eq(action));
        }
        if (entity != null) {
            int colon = entity.indexOf(':');
            where.add(colon > 0 ? AUDIT_LOG.ENTITY_TYPE.eq(entity.substring(0, colon))
                    .and(AUDIT_LOG.ENTITY_ID.eq(entity.substring(colon + 1))) : AUDIT_LOG.ENTITY_ID.eq(entity));
        }
        if (before != null) {
            where.add(AUDIT_LOG.ID.lt(before));
        }
        var rows = dsl.selectFrom(AUDIT_LOG).where(where).orderBy(AUDIT_LOG.ID.desc()).limit(limit + 1).fetch();
        boolean more = rows.size() > limit;
        List<AuditEntry> page = rows.stream().limit(limit).map(r -> new AuditEntry(r.getId(), r.getAt(),
                r.getActor(), r.getAction(), r.getEntityType(), r.getEntityId(), r.getTeamId(), r.getReason(),
                tree(r.getDetails().data()))).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("object", "list");
        answer.put("data", page);
        answer.put("has_more", more);
        answer.put("next_cursor", more ? String.valueOf(page.get(page.size() - 1).id()) : null);
        return answer;
    }

    static Long cursor(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadQuery("'cursor' is not a cursor returned by this route: '" + value + "'");
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
