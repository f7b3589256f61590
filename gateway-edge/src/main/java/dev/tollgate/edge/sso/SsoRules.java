package dev.tollgate.edge.sso;

import dev.tollgate.api.Limits;
import dev.tollgate.api.access.Role;
import dev.tollgate.edge.config.TollgateProperties;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a person's groups give them, by the configured rules ({@code tollgate.sso.roles} and {@code .teams}):
 * a staff role (admin beats finance beats manager; a manager gets the teams of every matching rule) and a team with
 * tags for the portal (the member's current team while a rule still gives it, else the first matching rule). Pure: the
 * same groups (in any order) and current team always decide the same.
 */
public final class SsoRules {

    private static final String TEAM = "{team}";
    private static final String TEAM_VALUE = "([A-Za-z0-9][A-Za-z0-9._@+-]{0," + (Limits.ID - 1) + "})";

    /**
     * @param role           a staff role, or {@code null}
     * @param managedTeams   a manager's teams
     * @param teamId         the team the person is a member of, or {@code null}
     * @param tags           the member's tags
     * @param decidingGroups the groups that matched a rule, by what they decided ({@code role:admin},
     *                       {@code team:cs101}) — what the audit trail records of the claims
     */
    public record Decision(Role role, Set<String> managedTeams, String teamId, Set<String> tags,
                           Map<String, String> decidingGroups) {

        public boolean grantsNothing() {
            return role == null && teamId == null;
        }
    }

    private final List<TollgateProperties.RoleRule> roleRules;
    private final List<TollgateProperties.TeamRule> teamRules;

    public SsoRules(TollgateProperties.Sso settings) {
        this.roleRules = settings.roles();
        this.teamRules = settings.teams();
        for (TollgateProperties.RoleRule rule : roleRules) {
            Role role = Role.fromWireName(rule.role());
            if (role == Role.MANAGER && !rule.group().contains(TEAM) && (rule.team() == null || rule.team().isBlank())) {
                throw new IllegalStateException("tollgate.sso.roles: the manager rule for group '" + rule.group()
                        + "' names no team: use {team} in the group or set team");
            }
        }
        for (TollgateProperties.TeamRule rule : teamRules) {
            if (rule.team() == null || rule.team().contains(TEAM) && !rule.group().contains(TEAM)) {
                throw new IllegalStateException("tollgate.sso.teams: the rule for group '" + rule.group()
                        + "' needs a team (with {team} only when the group has it)");
            }
        }
    }

    /** What the groups give someone who is a member of no team yet. */
    public Decision decide(Collection<String> groups) {
        return decide(groups, null);
    }

    /**
     * What the groups give. The groups are read as a set, never in the order of the claim (a provider may list them
     * in another order at every sign-in). When several team rules or groups match, the member's
     * {@code currentTeam} is kept while a match still gives it; otherwise the first matching rule decides, and within
     * a rule the first group in sorted order.
     *
     * @param currentTeam the team the person is a member of now, or {@code null}
     */
    public Decision decide(Collection<String> groups, String currentTeam) {
        // sorted and without repeats: the same groups decide the same, whatever order the claim lists them in
        Set<String> sorted = new TreeSet<>();
        for (String group : groups) {
            if (group != null) {
                sorted.add(group);
            }
        }
        Role role = null;
        Set<String> managed = new TreeSet<>();
        Map<String, String> deciding = new LinkedHashMap<>();
        for (TollgateProperties.RoleRule rule : roleRules) {
            Role ruleRole = Role.fromWireName(rule.role());
            for (String group : sorted) {
                String team = match(rule.group(), group);
                if (team == null) {
                    continue;
                }
                deciding.putIfAbsent("role:" + ruleRole.wireName() + (ruleRole == Role.MANAGER
                        ? ":" + managedTeam(rule, team) : ""), group);
                if (ruleRole == Role.MANAGER) {
                    managed.add(managedTeam(rule, team));
                }
                role = stronger(role, ruleRole);
            }
        }
        Placement first = null;
        Placement current = null;
        rules:
        for (TollgateProperties.TeamRule rule : teamRules) {
            for (String group : sorted) {
                String team = match(rule.group(), group);
                if (team == null) {
                    continue;
                }
                Placement candidate = new Placement(rule, team, group);
                if (first == null) {
                    first = candidate;
                }
                if (currentTeam == null) {
                    break rules;
                }
                if (currentTeam.equals(candidate.teamId())) {
                    current = candidate; // still given: they stay where they are
                    break rules;
                }
            }
        }
        Placement placement = current != null ? current : first;
        String teamId = null;
        Set<String> tags = new LinkedHashSet<>();
        if (placement != null) {
            teamId = placement.teamId();
            for (String tag : placement.rule().tags()) {
                tags.add(tag.replace(TEAM, placement.team()));
            }
            deciding.put("team:" + teamId, placement.group());
        }
        return new Decision(role, role == Role.MANAGER ? managed : Set.of(), teamId, tags, deciding);
    }

    /** A team rule matched by a group: {@code team} is the value of {@code {team}}. */
    private record Placement(TollgateProperties.TeamRule rule, String team, String group) {

        String teamId() {
            return rule.team().replace(TEAM, team);
        }
    }

    private static String managedTeam(TollgateProperties.RoleRule rule, String fromGroup) {
        return rule.team() == null || rule.team().isBlank() ? fromGroup : rule.team().replace(TEAM, fromGroup);
    }

    private static Role stronger(Role current, Role candidate) {
        if (current == null) {
            return candidate;
        }
        return rank(candidate) > rank(current) ? candidate : current;
    }

    private static int rank(Role role) {
        return switch (role) {
            case ADMIN -> 3;
            case FINANCE -> 2;
            case MANAGER -> 1;
        };
    }

    /**
     * {@code null} when the group does not match the pattern; the value of {@code {team}} when it does (the group
     * itself for a pattern without one).
     */
    static String match(String pattern, String group) {
        if (group == null) {
            return null;
        }
        int at = pattern.indexOf(TEAM);
        if (at < 0) {
            return pattern.equals(group) ? group : null;
        }
        Pattern regex = Pattern.compile(Pattern.quote(pattern.substring(0, at)) + TEAM_VALUE
                + Pattern.quote(pattern.substring(at + TEAM.length())));
        Matcher matcher = regex.matcher(group);
        return matcher.matches() ? matcher.group(1) : null;
    }
}
