package dev.tollgate.edge.roster;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.api.CommandRefused;
import dev.tollgate.api.InvalidValue;
import dev.tollgate.api.Limits;
import dev.tollgate.api.team.RegisterUser;
import dev.tollgate.api.team.SetUserTags;
import dev.tollgate.edge.membership.MoveProcess;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.UserView;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Imports a course roster into a team (docs/admin-guide.md, "Rosters"): each person is created, moved from another
 * team, given the roster's tags, left unchanged, or refused with a reason. A dry run answers the same report and
 * changes nothing. The report names people by id only: names and emails are personal data and are not repeated.
 */
@Component
public class RosterImport {

    /** The most lines one roster imports. */
    public static final int MAX_ROWS = 5_000;
    /** The largest roster body, in characters. */
    public static final int MAX_CHARS = 2 * 1024 * 1024;

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,200}@[^@\\s]{1,119}");

    public enum Action {
        CREATED, MOVED, UPDATED, UNCHANGED, REFUSED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What happened (or, in a dry run, would happen) to one line. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Outcome(int line, String id, Action action, String fromTeam, String reason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Report(String object, String teamId, boolean dryRun, Map<String, Integer> summary,
                         List<Outcome> rows) {
    }

    private final DirectoryQueries directory;
    private final CommandGateway commands;
    private final MoveProcess moves;

    public RosterImport(DirectoryQueries directory, CommandGateway commands, MoveProcess moves) {
        this.directory = directory;
        this.commands = commands;
        this.moves = moves;
    }

    /**
     * Imports {@code csv} into {@code teamId}, as {@code actor} who manages the teams {@code manages} accepts.
     *
     * @throws IllegalArgumentException when the roster cannot be read at all (no header, too long) or holds a control
     *                                  character
     */
    public Report run(String teamId, String csv, boolean dryRun, String actor, Predicate<String> manages,
                      String reason) {
        if (csv.length() > MAX_CHARS) {
            throw new InvalidValue("the roster has more than " + MAX_CHARS + " characters: split it");
        }
        List<RosterCsv.Row> rows = RosterCsv.parse(csv, MAX_ROWS);
        for (RosterCsv.Row row : rows) {
            // refused whole, before any command: no id, name, email, team or tag has a use for a control character,
            // and a NUL that reached an event would stop the projections that store it (PostgreSQL stores none)
            if (row.control() != null) {
                throw new InvalidValue("line " + row.line() + ", " + row.control() + " holds NUL, a line "
                        + "break, a tab or another control character; nothing of the roster was imported");
            }
        }
        List<Outcome> outcomes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (RosterCsv.Row row : rows) {
            Outcome outcome;
            try {
                outcome = one(teamId, row, seen, dryRun, actor, manages, reason);
            } catch (CommandRefused refused) {
                outcome = new Outcome(row.line(), row.id(), Action.REFUSED, null, refused.getMessage());
            }
            outcomes.add(outcome);
        }
        Map<String, Integer> summary = new LinkedHashMap<>();
        for (Action action : Action.values()) {
            summary.put(action.wireName(), (int) outcomes.stream().filter(o -> o.action() == action)
                    .count());
        }
        return new Report("roster_import", teamId, dryRun, summary, outcomes);
    }

    private Outcome one(String teamId, RosterCsv.Row row, Set<String> seen, boolean dryRun, String actor,
                        Predicate<String> manages, String reason) {
        String problem = problem(teamId, row);
        if (problem == null && !seen.add(row.id())) {
            problem = "the roster names '" + row.id() + "' on an earlier line too";
        }
        if (problem != null) {
            return refused(row, problem);
        }
        Set<String> tags = row.tags() == null ? null : Set.copyOf(row.tags());
        UserView user = directory.user(row.id()).orElse(null);
        if (user == null || (user.removedAt() != null && user.teamId().equals(teamId))) {
            if (!dryRun) {
                commands.sendAndWait(new RegisterUser(teamId, row.id(), null, row.name(), row.email(), null, tags,
                        actor));
            }
            return new Outcome(row.line(), row.id(), Action.CREATED, null, user == null ? null : "re-admitted");
        }
        if (user.removedAt() != null) {
            return refused(row, "user '" + row.id() + "' was removed from team '" + user.teamId()
                    + "': user ids are unique across teams");
        }
        if (!user.teamId().equals(teamId)) {
            if (!manages.test(user.teamId())) {
                return refused(row, "user '" + row.id() + "' is a member of team '" + user.teamId()
                        + "', which you do not manage: a move needs a manager of both teams");
            }
            if (!dryRun) {
                moves.start(row.id(), user.teamId(), teamId, tags, actor, reason);
            }
            return new Outcome(row.line(), row.id(), Action.MOVED, user.teamId(), null);
        }
        if (tags != null && !tags.equals(Set.copyOf(user.tags()))) {
            if (!dryRun) {
                commands.sendAndWait(new SetUserTags(teamId, row.id(), tags, actor, reason));
            }
            return new Outcome(row.line(), row.id(), Action.UPDATED, null, "tags");
        }
        return new Outcome(row.line(), row.id(), Action.UNCHANGED, null, null);
    }

    private static String problem(String teamId, RosterCsv.Row row) {
        if (row.problem() != null) {
            return row.problem();
        }
        if (!Limits.isId(row.id())) {
            return "an id is " + Limits.ID_RULE;
        }
        if (row.team() != null && !row.team().equals(teamId)) {
            return "the line names team '" + row.team() + "', this roster is for team '" + teamId + "'";
        }
        if (row.email() != null && !EMAIL.matcher(row.email()).matches()) {
            return "the email is not one address such as alice@uni.example";
        }
        if (row.name() != null && row.name().length() > Limits.NAME) {
            return "a name has at most " + Limits.NAME + " characters";
        }
        if (row.tags() != null) {
            for (String tag : row.tags()) {
                if (tag.length() > 100) {
                    return "a tag has at most 100 characters";
                }
            }
        }
        return null;
    }

    private static Outcome refused(RosterCsv.Row row, String reason) {
        return new Outcome(row.line(), row.id(), Action.REFUSED, null, reason);
    }
}
