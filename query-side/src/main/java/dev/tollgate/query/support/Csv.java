package dev.tollgate.query.support;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CSV that spreadsheets open as meant (RFC 4180): a header row, comma separated, CRLF line ends, fields quoted
 * when they need it, amounts as plain decimals with a point, instants in ISO 8601 UTC.
 */
public final class Csv {

    public static final MediaType TEXT_CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    private static final String FORMULA_STARTS = "=+-@\t\r";
    private static final Pattern PLAIN_NUMBER = Pattern.compile("-\\d+(\\.\\d+)?");

    private final StringBuilder text = new StringBuilder();

    public Csv row(Collection<?> fields) {
        boolean first = true;
        for (Object field : fields) {
            if (!first) {
                text.append(',');
            }
            first = false;
            text.append(escape(field));
        }
        text.append("\r\n");
        return this;
    }

    /** A header of {@code columns}, then one row per map, in the order of the columns. */
    public static Csv of(List<String> columns, List<Map<String, Object>> rows) {
        Csv csv = new Csv().row(columns);
        for (Map<String, Object> row : rows) {
            csv.row(columns.stream().map(row::get).toList());
        }
        return csv;
    }

    public ResponseEntity<String> download(String filename) {
        return ResponseEntity.ok()
                .contentType(TEXT_CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename(filename).build().toString())
                .body(text.toString());
    }

    @Override
    public String toString() {
        return text.toString();
    }

    private static String escape(Object field) {
        if (field == null) {
            return "";
        }
        String value = field.toString();
        // A leading =, +, -, @, tab or carriage return would make a spreadsheet evaluate a formula (OWASP's list):
        // keep text text. A negative amount stays a number: it is only digits after its sign.
        if (!value.isEmpty() && FORMULA_STARTS.indexOf(value.charAt(0)) >= 0
                && !PLAIN_NUMBER.matcher(value).matches()) {
            value = "'" + value;
        }
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
