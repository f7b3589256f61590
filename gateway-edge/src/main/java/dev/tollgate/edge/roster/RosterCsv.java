package dev.tollgate.edge.roster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.HashMap;

/**
 * A course roster as CSV (RFC 4180: commas, double quotes, CRLF or LF): a header naming the columns {@code id},
 * {@code name}, {@code email}, {@code team} and {@code tags} (any order; only {@code id} is required), then one line
 * per person. Tags are separated by {@code ;} or spaces.
 */
final class RosterCsv {

    /** One person of the roster, with the line they are on (the header is line 1). */
    record Row(int line, String id, String name, String email, String team, List<String> tags, String problem) {
    }

    private RosterCsv() {
    }

    static List<Row> parse(String csv, int maxRows) {
        List<List<String>> records = records(csv);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("the roster is empty: a header line (id,name,email,team,tags) comes "
                    + "first");
        }
        Map<String, Integer> columns = new HashMap<>();
        List<String> header = records.get(0);
        for (int i = 0; i < header.size(); i++) {
            columns.put(header.get(i).trim().toLowerCase(Locale.ROOT), i);
        }
        if (!columns.containsKey("id")) {
            throw new IllegalArgumentException("the roster's header names no 'id' column");
        }
        if (records.size() - 1 > maxRows) {
            throw new IllegalArgumentException("the roster has " + (records.size() - 1) + " lines, at most " + maxRows
                    + " are imported at once: split it");
        }
        List<Row> rows = new ArrayList<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> record = records.get(r);
            if (record.size() == 1 && record.get(0).isBlank()) {
                continue; // an empty line
            }
            String problem = record.size() > header.size() ? "more fields than the header names" : null;
            String tags = cell(record, columns.get("tags"));
            List<String> tagList = new ArrayList<>();
            if (tags != null) {
                for (String tag : tags.split("[;\\s]+")) {
                    if (!tag.isBlank()) {
                        tagList.add(tag.trim());
                    }
                }
            }
            rows.add(new Row(r + 1, cell(record, columns.get("id")), cell(record, columns.get("name")),
                    cell(record, columns.get("email")), cell(record, columns.get("team")),
                    tags == null ? null : List.copyOf(tagList), problem));
        }
        return rows;
    }

    private static String cell(List<String> record, Integer column) {
        if (column == null || column >= record.size()) {
            return null;
        }
        String value = record.get(column).trim();
        return value.isEmpty() ? null : value;
    }

    private static List<List<String>> records(String csv) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int i = csv.startsWith("\uFEFF") ? 1 : 0;
        for (; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("the roster ends inside a quoted field");
        }
        if (field.length() > 0 || !record.isEmpty()) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }
}
