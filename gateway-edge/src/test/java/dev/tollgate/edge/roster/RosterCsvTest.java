package dev.tollgate.edge.roster;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RosterCsvTest {

    @Test
    void readsQuotedFieldsLineBreaksAndAByteOrderMark() {
        String csv = "\uFEFFid,name,email,team,tags\r\n"
                + "ada,\"Lovelace, Ada\",ada@uni.example,cs101,\"course=cs101;year=1\"\r\n"
                + "bob,\"Bob \"\"the builder\"\"\",,cs101,\n"
                + "cy,\"two\nlines\",,,\n";

        List<RosterCsv.Row> rows = RosterCsv.parse(csv, 10);

        assertThat(rows).extracting(RosterCsv.Row::id).containsExactly("ada", "bob", "cy");
        assertThat(rows.get(0).name()).isEqualTo("Lovelace, Ada");
        assertThat(rows.get(0).tags()).containsExactly("course=cs101", "year=1");
        assertThat(rows.get(1).name()).isEqualTo("Bob \"the builder\"");
        assertThat(rows.get(1).email()).isNull();
        assertThat(rows.get(2).name()).isEqualTo("two\nlines");
        assertThat(rows.get(0).line()).isEqualTo(2);
        assertThat(rows.get(0).control()).isNull();
        assertThat(rows.get(2).control()).as("the import refuses it").isEqualTo("field 'name'");
    }

    @Test
    void skipsEmptyLinesAndFlagsExtraFields() {
        List<RosterCsv.Row> rows = RosterCsv.parse("id,team\n\nada,cs101\nbob,cs101,extra\n", 10);

        assertThat(rows).extracting(RosterCsv.Row::id).containsExactly("ada", "bob");
        assertThat(rows.get(0).problem()).isNull();
        assertThat(rows.get(1).problem()).isEqualTo("more fields than the header names");
    }

    @Test
    void rejectsAnOpenQuoteAMissingIdColumnAndTooManyLines() {
        assertThatThrownBy(() -> RosterCsv.parse("id,name\nada,\"Lovelace\n", 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid CSV");
        assertThatThrownBy(() -> RosterCsv.parse("name,team\nAda,cs101\n", 10))
                .hasMessageContaining("no 'id' column");
        assertThatThrownBy(() -> RosterCsv.parse("id\na\nb\nc\n", 2)).hasMessageContaining("at most 2");
        assertThatThrownBy(() -> RosterCsv.parse("", 2)).hasMessageContaining("empty");
    }
}
