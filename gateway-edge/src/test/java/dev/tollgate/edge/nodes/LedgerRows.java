package dev.tollgate.edge.nodes;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The read model's rows of one team, straight from PostgreSQL, with the marker each request was tagged with. */
final class LedgerRows {

    record Row(String marker, String requestId, String outcome, BigDecimal reserved, BigDecimal cost,
               boolean flagged) {
    }

    private LedgerRows() {
    }

    static List<Row> of(String jdbcUrl, String teamId) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
             PreparedStatement select = connection.prepareStatement("SELECT tags->>'probe', request_id, outcome, "
                     + "reserved, cost, flagged FROM message_costs WHERE team_id = ?")) {
            select.setString(1, teamId);
            List<Row> rows = new ArrayList<>();
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(result.getString(1), result.getString(2), result.getString(3),
                            result.getBigDecimal(4), result.getBigDecimal(5), result.getBoolean(6)));
                }
            }
            return rows;
        }
    }
}
