package dev.tollgate.query.report;

import dev.tollgate.query.support.BadQuery;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a spend report asks for, and the SQL that answers it from the smallest table that can: the daily rollups
 * when the range is whole UTC days and the dimensions fit one rollup, else {@code message_costs} itself.
 *
 * @param groupBy      team, user, model, provider, day, month, tag (every tag) or tag:KEY (one tag's values)
 * @param tagFilter    {@code key=value} or {@code null}
 * @param visibleTeams the teams the caller may see; {@code null}: all
 */
record SpendReportQuery(Instant from, Instant to, List<String> groupBy, String teamId, String userId, String model,
                        String provider, String tagFilter, Set<String> visibleTeams) {

    static final List<String> DIMENSIONS = List.of("team", "user", "model", "provider", "day", "month", "tag");

    /** Which table answers. */
    enum Source { TEAM_ROLLUP, USER_ROLLUP, TAG_ROLLUP, MESSAGES }

    static List<String> parseGroupBy(String value) {
        Set<String> groups = new LinkedHashSet<>();
        if (value != null && !value.isBlank()) {
            for (String part : value.split(",")) {
                String group = part.trim();
                boolean known = DIMENSIONS.contains(group) || group.startsWith("tag:") && group.length() > 4;
                if (!known) {
                    throw new BadQuery("'" + group + "' is not something a report can group by; use "
                            + "team, user, model, provider, day, month, tag or tag:<key> (comma separated)");
                }
                groups.add(group);
            }
        }
        if (groups.stream().filter(SpendReportQuery::isTag).count() > 1) {
            throw new BadQuery("a report groups by one tag at a time");
        }
        return List.copyOf(groups);
    }

    static boolean isTag(String group) {
        return group.equals("tag") || group.startsWith("tag:");
    }

    String tagGroup() {
        return groupBy.stream().filter(SpendReportQuery::isTag).findFirst().orElse(null);
    }

    Source source() {
        boolean wholeDays = isMidnight(from) && isMidnight(to);
        boolean byUser = groupBy.contains("user") || userId != null;
        String tagGroup = tagGroup();
        boolean byTag = tagGroup != null || tagFilter != null;
        boolean oneTagKey = tagFilter == null || tagGroup == null
                || tagGroup.equals("tag:" + tagFilter.substring(0, tagFilter.indexOf('=')));
        if (!wholeDays || byUser && byTag || !oneTagKey) {
            return Source.MESSAGES;
        }
        return byTag ? Source.TAG_ROLLUP : byUser ? Source.USER_ROLLUP : Source.TEAM_ROLLUP;
    }

    private static boolean isMidnight(Instant instant) {
        return instant.atZone(ZoneOffset.UTC).toLocalTime().equals(LocalTime.MIDNIGHT);
    }

    /** The SQL and its bind values: one row per group, columns named after the dimensions, then the sums. */
    Sql sql() {
        Source source = source();
        return source == Source.MESSAGES ? fromMessages() : fromRollup(source);
    }

    record Sql(String text, List<Object> binds, Source source) {
    }

    private Sql fromRollup(Source source) {
        String table = switch (source) {
            case TEAM_ROLLUP -> "spend_daily_team";
            case USER_ROLLUP -> "spend_daily_user";
            default -> "spend_daily_tag";
        };
        List<Object> binds = new ArrayList<>();
        List<String> selects = new ArrayList<>();
        for (String group : groupBy) {
            selects.add(switch (group) {
                case "team" -> "r.team_id AS team_id";
                case "user" -> "r.user_id AS user_id";
                case "model" -> "r.model AS model";
                case "provider" -> "r.provider AS provider";
                case "day" -> "to_char(r.day, 'YYYY-MM-DD') AS day";
                case "month" -> "to_char(r.day, 'YYYY-MM') AS month";
                case "tag" -> "r.tag_key || '=' || r.tag_value AS tag";
                default -> "r.tag_key || '=' || r.tag_value AS tag";
            });
        }
        StringBuilder where = new StringBuilder(" WHERE r.day >= ?::date AND r.day < ?::date");
        binds.add(from.atZone(ZoneOffset.UTC).toLocalDate());
        binds.add(to.atZone(ZoneOffset.UTC).toLocalDate());
        String tagGroup = tagGroup();
        if (tagGroup != null && tagGroup.startsWith("tag:")) {
            where.append(" AND r.tag_key = ?");
            binds.add(tagGroup.substring(4));
        }
        if (tagFilter != null) {
            int eq = tagFilter.indexOf('=');
            where.append(" AND r.tag_key = ? AND r.tag_value = ?");
            binds.add(tagFilter.substring(0, eq));
            binds.add(tagFilter.substring(eq + 1));
        }
        commonFilters(where, binds, "r.team_id", "r.user_id", "r.model", "r.provider", true);
        String sums = "sum(r.requests) AS requests, sum(r.prompt_tokens) AS prompt_tokens, "
                + "sum(r.completion_tokens) AS completion_tokens, sum(r.cost) AS cost, "
                + "sum(r.adjustments) AS adjustments, sum(r.overrun) AS overrun";
        return new Sql(assemble(selects, sums, table + " r", where.toString()), binds, source);
    }

    private Sql fromMessages() {
        List<Object> binds = new ArrayList<>();
        List<String> selects = new ArrayList<>();
        String tagGroup = tagGroup();
        String table = "message_costs m";
        for (String group : groupBy) {
            selects.add(switch (group) {
                case "team" -> "m.team_id AS team_id";
                case "user" -> "coalesce(m.user_id, '') AS user_id";
                case "model" -> "coalesce(m.model, '') AS model";
                case "provider" -> "coalesce(m.provider, '') AS provider";
                case "day" -> "to_char(m.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day";
                case "month" -> "to_char(m.started_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month";
                case "tag" -> "t.key || '=' || t.value AS tag";
                default -> "? || '=' || (m.tags ->> ?) AS tag";
            });
            if (group.startsWith("tag:")) {
                binds.add(group.substring(4));
                binds.add(group.substring(4));
            }
        }
        if ("tag".equals(tagGroup)) {
            table += " CROSS JOIN LATERAL jsonb_each_text(m.tags) t";
        }
        StringBuilder where = new StringBuilder(
                " WHERE m.outcome IN ('settled', 'expired') AND m.started_at >= ?::timestamptz AND m.started_at < ?::timestamptz");
        binds.add(java.time.OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
        binds.add(java.time.OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
        if (tagGroup != null && tagGroup.startsWith("tag:")) {
            where.append(" AND jsonb_exists(m.tags, ?)");
            binds.add(tagGroup.substring(4));
        }
        if (tagFilter != null) {
            int eq = tagFilter.indexOf('=');
            where.append(" AND m.tags @> jsonb_build_object(?::text, ?::text)");
            binds.add(tagFilter.substring(0, eq));
            binds.add(tagFilter.substring(eq + 1));
        }
        commonFilters(where, binds, "m.team_id", "m.user_id", "m.model", "m.provider", false);
        String sums = "count(*) AS requests, coalesce(sum(m.prompt_tokens), 0) AS prompt_tokens, "
                + "coalesce(sum(m.completion_tokens), 0) AS completion_tokens, sum(m.cost) AS cost, "
                + "coalesce(sum(m.adjusted_cost - m.cost), 0) AS adjustments, sum(m.overrun) AS overrun";
        return new Sql(assemble(selects, sums, table, where.toString()), binds, Source.MESSAGES);
    }

    private void commonFilters(StringBuilder where, List<Object> binds, String team, String user, String modelColumn,
                               String providerColumn, boolean rollup) {
        if (teamId != null) {
            where.append(" AND ").append(team).append(" = ?");
            binds.add(teamId);
        }
        if (userId != null) {
            where.append(" AND ").append(user).append(" = ?");
            binds.add(userId);
        }
        if (model != null) {
            where.append(" AND ").append(rollup ? modelColumn : "coalesce(" + modelColumn + ", '')").append(" = ?");
            binds.add(model);
        }
        if (provider != null) {
            where.append(" AND ").append(rollup ? providerColumn : "coalesce(" + providerColumn + ", '')")
                    .append(" = ?");
            binds.add(provider);
        }
        if (visibleTeams != null) {
            if (visibleTeams.isEmpty()) {
                where.append(" AND FALSE");
            } else {
                where.append(" AND ").append(team).append(" = ANY (?)");
                binds.add(visibleTeams.toArray(String[]::new));
            }
        }
    }

    private String assemble(List<String> selects, String sums, String table, String where) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (String select : selects) {
            sql.append(select).append(", ");
        }
        sql.append(sums).append(" FROM ").append(table).append(where);
        if (!groupBy.isEmpty()) {
            List<String> positions = new ArrayList<>();
            for (int i = 1; i <= groupBy.size(); i++) {
                positions.add(String.valueOf(i));
            }
            sql.append(" GROUP BY ").append(String.join(", ", positions))
                    .append(" ORDER BY ").append(String.join(", ", positions));
        }
        return sql.toString();
    }
}
