package dev.tollgate.edge.sso;

import dev.tollgate.api.access.Role;
import dev.tollgate.edge.config.TollgateProperties;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Groups to roles, teams and tags, by the configured rules. */
class SsoRulesTest {

    private static final SsoRules RULES = new SsoRules(TollgateProperties.bind(TollgateProperties.Sso.class, pairs(
            "roles[0].group", "llm-admins", "roles[0].role", "admin",
            "roles[1].group", "finance", "roles[1].role", "finance",
            "roles[2].group", "course-staff:{team}", "roles[2].role", "manager",
            "roles[3].group", "ta-pool", "roles[3].role", "manager", "roles[3].team", "tutoring",
            "teams[0].group", "{team}-students", "teams[0].team", "{team}", "teams[0].tags[0]", "course:{team}",
            "teams[1].group", "staff-sandbox", "teams[1].team", "sandbox")));

    private static Map<String, String> pairs(String... keysAndValues) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void adminBeatsFinanceBeatsManager() {
        assertThat(RULES.decide(List.of("course-staff:cs101", "finance", "llm-admins")).role()).isEqualTo(Role.ADMIN);
        assertThat(RULES.decide(List.of("course-staff:cs101", "finance")).role()).isEqualTo(Role.FINANCE);
        assertThat(RULES.decide(List.of("course-staff:cs101", "finance")).managedTeams()).isEmpty();
    }

    @Test
    void aManagerManagesTheTeamsOfEveryMatchingRule() {
        SsoRules.Decision decision = RULES.decide(List.of("course-staff:cs101", "course-staff:cs102", "ta-pool"));

        assertThat(decision.role()).isEqualTo(Role.MANAGER);
        assertThat(decision.managedTeams()).containsExactlyInAnyOrder("cs101", "cs102", "tutoring");
        assertThat(decision.teamId()).isNull();
    }

    @Test
    void theFirstTeamRuleThatMatchesPlacesAMemberWithItsTagsAndTheDecidingGroupsAreRecorded() {
        SsoRules.Decision decision = RULES.decide(List.of("library", "cs101-students", "staff-sandbox"));

        assertThat(decision.teamId()).isEqualTo("cs101");
        assertThat(decision.tags()).containsExactly("course:cs101");
        assertThat(decision.decidingGroups()).isEqualTo(Map.of("team:cs101", "cs101-students"));
        assertThat(decision.role()).isNull();
    }

    @Test
    void theTeamDoesNotDependOnTheOrderOfTheGroupsInTheClaim() {
        // a provider may list the same groups in another order at the next sign-in: the person stays where they are
        for (List<String> groups : List.of(List.of("cs102-students", "cs101-students"),
                List.of("cs101-students", "cs102-students"), List.of("staff-sandbox", "cs102-students", "cs101-students"))) {
            SsoRules.Decision decision = RULES.decide(groups);

            assertThat(decision.teamId()).as("groups " + groups).isEqualTo("cs101");
            assertThat(decision.tags()).as("groups " + groups).containsExactly("course:cs101");
            assertThat(decision.decidingGroups()).as("groups " + groups)
                    .isEqualTo(Map.of("team:cs101", "cs101-students"));
        }
        assertThat(RULES.decide(List.of("staff-sandbox", "cs102-students")).teamId())
                .as("the first rule that matches, whatever the order of the groups").isEqualTo("cs102");
    }

    @Test
    void aMemberWhoseCurrentTeamStillMatchesStaysInItWhicheverOtherTeamsMatch() {
        for (List<String> groups : List.of(List.of("cs102-students", "cs101-students"),
                List.of("cs101-students", "cs102-students"))) {
            SsoRules.Decision decision = RULES.decide(groups, "cs102");

            assertThat(decision.teamId()).as("groups " + groups).isEqualTo("cs102");
            assertThat(decision.tags()).containsExactly("course:cs102");
            assertThat(decision.decidingGroups()).isEqualTo(Map.of("team:cs102", "cs102-students"));
        }
        assertThat(RULES.decide(List.of("cs101-students", "staff-sandbox"), "sandbox").teamId())
                .as("kept also when a later rule places them there").isEqualTo("sandbox");
        assertThat(RULES.decide(List.of("cs102-students", "cs101-students"), "cs103").teamId())
                .as("a current team the groups no longer give: the stable order decides").isEqualTo("cs101");
        assertThat(RULES.decide(List.of("cs102-students", "cs101-students"), null).teamId())
                .as("no current team").isEqualTo("cs101");
    }

    @Test
    void groupsNoRuleKnowsGrantNothingAndPatternsMatchWholeGroupsOnly() {
        assertThat(RULES.decide(List.of("library", "xcourse-staff:cs101", "course-staff:", "-students"))
                .grantsNothing()).isTrue();
        assertThat(RULES.decide(List.of()).grantsNothing()).isTrue();
        assertThat(SsoRules.match("course-staff:{team}", "course-staff:cs 101")).isNull();
        assertThat(SsoRules.match("{team}-students", "ma-2-students")).isEqualTo("ma-2");
        assertThat(SsoRules.match("finance", "finance")).isEqualTo("finance");
    }

    @Test
    void aManagerRuleMustNameItsTeam() {
        assertThatThrownBy(() -> new SsoRules(TollgateProperties.bind(TollgateProperties.Sso.class, Map.of(
                "roles[0].group", "staff", "roles[0].role", "manager"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("names no team");
        assertThat(Set.of(RULES.decide(List.of("ta-pool")).managedTeams())).hasSize(1);
    }
}
