package dev.tollgate.edge.roster;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.tollgate.api.InvalidValue;
import dev.tollgate.api.Limits;

import java.io.IOException;
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

    /**
     * One person of the roster, with the line they are on (the header is line 1); {@code control} names the first
     * field that holds NUL or another control character (a quoted line break included), or is {@code null}.
     */
    record Row(int line, String id, String name, String email, String team, List<String> tags, String problem,
               String control) {
    }

    /** Records as lists of strings, no schema: the header is read as the first record. */
    private static final ObjectReader READER = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .readerForListOf(String.class);

    private RosterCsv() {
    }

    static List<Row> parse(String csv, int maxRows) {
        List<List<String>> records = records(csv);
        if (records.isEmpty()) {
            throw new InvalidValue("the roster is empty: a header line (id,name,email,team,tags) comes "
                    + "first");
        }
        Map<String, Integer> columns = new HashMap<>();
        List<String> header = records.get(0);
        for (int i = 0; i < header.size(); i++) {
            columns.put(header.get(i).trim().toLowerCase(Locale.ROOT), i);
        }
        String headerControl = control(header, header);
        if (headerControl != null) {
            throw new InvalidValue("the header's " + headerControl + " holds a control character");
        }
        if (!columns.containsKey("id")) {
            throw new InvalidValue("the roster's header names no 'id' column");
        }
        if (records.size() - 1 > maxRows) {
            throw new InvalidValue("the roster has " + (records.size() - 1) + " lines, at most " + maxRows
                    + " are imported at once: split it");
        }
        List<Row> rows = new ArrayList<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> record = records.get(r);
            if (record.isEmpty() || record.size() == 1 && record.get(0).isBlank()) {
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
                    tags == null ? null : List.copyOf(tagList), problem, control(record, header)));
        }
        return rows;
    }

    /**
     * The first field of {@code record} (as read, before trimming) that holds NUL or another control character, a
     * quoted line break and a tab included, named by its column ({@code field 'name'}) or its number; {@code null}
     * when there is none.
     */
    private static String control(List<String> record, List<String> header) {
        for (int c = 0; c < record.size(); c++) {
            if (record.get(c) != null && Limits.hasControl(record.get(c))) {
                String column = c < header.size() ? header.get(c).trim() : "";
                return !column.isEmpty() && Limits.isLine(column, 40) ? "field '" + column + "'"
                        : "field " + (c + 1);
            }
        }
        return null;
    }

    private static String cell(List<String> record, Integer column) {
        if (column == null || column >= record.size()) {
            return null;
        }
        String value = record.get(column).trim();
        return value.isEmpty() ? null : value;
    }

    /** Every record of the CSV as its fields, header first; a record over several lines (quoted breaks) is one. */
    private static List<List<String>> records(String csv) {
        String text = csv.startsWith("\uFEFF") ? csv.substring(1) : csv;
        List<List<String>> records = new ArrayList<>();
        try (MappingIterator<List<String>> lines = READER.readValues(text)) {
            while (lines.hasNextValue()) {
                records.add(lines.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            // Jackson's messages name its own types and positions: say what is wrong with the roster instead.
            throw new InvalidValue("the roster is not valid CSV (RFC 4180) after line " + (records.size() + 1)
                    + ": a quoted field may be left open");
        }
        return records;
    }
}
