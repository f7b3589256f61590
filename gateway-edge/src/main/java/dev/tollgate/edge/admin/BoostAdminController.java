package dev.tollgate.edge.admin;

import dev.tollgate.api.Limits;
import dev.tollgate.api.boost.CohortMember;
import dev.tollgate.api.boost.GrantBoost;
import dev.tollgate.api.boost.GrantCohortBoost;
import dev.tollgate.api.boost.RevokeBoost;
import dev.tollgate.api.boost.RevokeCohortBoost;
import dev.tollgate.api.money.Money;
import dev.tollgate.edge.errors.ApiError;
import dev.tollgate.edge.input.InputLists;
import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.Principal;
import dev.tollgate.query.boost.BoostQueries;
import dev.tollgate.query.boost.CohortBoostView;
import dev.tollgate.query.directory.DirectoryQueries;
import dev.tollgate.query.directory.UserView;
import dev.tollgate.query.support.Blocking;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static dev.tollgate.edge.admin.AdminSupport.send;

/**
 * Time-boxed boosts: for a team, a user, or a cohort (a list of users, or every user carrying a tag). A cohort
 * boost is one decision with one id, recorded on each member's team. Admins, and managers of every team the boost
 * touches, within their cap.
 */
@RestController
@Tag(name = "Admin: boosts", description = "Time-boxed boosts for teams, users and cohorts")
public class BoostAdminController {

    private final CommandGateway commands;
    private final DirectoryQueries directory;
    private final BoostQueries boosts;

    public BoostAdminController(CommandGateway commands, DirectoryQueries directory, BoostQueries boosts) {
        this.commands = commands;
        this.directory = directory;
        this.boosts = boosts;
    }

    @PostMapping("/admin/boosts")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Grant a boost: target team:<id>, user:<id>, users (with user_ids) or tag:<tag>")
    public Mono<Map<String, Object>> grant(@RequestBody AdminRequests.GrantBoostBody body, ServerWebExchange exchange) {
        AdminSupport.requireReason(body.reason(), "boost");
        if (body.amount() == null) {
            throw ApiError.invalidRequest("A boost needs an 'amount' (a decimal string).", "amount");
        }
        Money amount = Money.parseAmount(body.amount());
        if (body.endsAt() == null) {
            throw ApiError.invalidRequest("A boost needs 'ends_at' (an ISO instant): it ends by itself.", "ends_at");
        }
        Instant startsAt = body.startsAt() == null ? Instant.now() : body.startsAt();
        String boostId = AdminSupport.id(body.id(), "boost");
        String target = body.target() == null ? "" : body.target();
        return Blocking.query(() -> members(target, body.userIds())).flatMap(cohort -> {
            Principal principal = Access.requireManagerOfAll(exchange,
                    cohort.members().stream().map(CohortMember::teamId).distinct().toList(), "boost " + describe(target));
            Access.requireWithinCap(principal, amount, "a boost", false);
            // The cap bounds the account's limit with all its boosts, not each boost: only its team knows them
            // (a read model could lag behind an earlier grant), so the team decides, as it does for top-ups.
            Money cap = Access.cap(principal);
            Object command = cohort.selector() == null
                    ? new GrantBoost(cohort.members().get(0).teamId(), boostId, cohort.members().get(0).userId(), amount,
                    startsAt, body.endsAt(), body.reason(), null, principal.id(), cap)
                    : new GrantCohortBoost(boostId, cohort.members(), cohort.selector(), amount, startsAt,
                    body.endsAt(), body.reason(), principal.id(), cap);
            return send(commands, command).then(ReadModelWait.until(() -> cohort.selector() == null
                    ? (boosts.boost(boostId).isEmpty() ? Optional.empty() : Optional.of(answer(boostId)))
                    : boosts.cohort(boostId).filter(BoostAdminController::distributed).map(c -> answer(boostId))));
        });
    }

    @DeleteMapping("/admin/boosts/{boostId}")
    @Operation(summary = "Revoke a boost early (for a cohort: for every member), with ?reason=. Spend made under it "
            + "stays spent")
    public Mono<Map<String, Object>> revoke(@PathVariable String boostId,
                                            @RequestParam(required = false) String reason,
                                            ServerWebExchange exchange) {
        AdminSupport.requireReason(reason, "boost revocation (?reason=...)");
        return Blocking.query(() -> boosts.boost(boostId)).flatMap(rows -> {
            boolean cohort = boosts.cohort(boostId).isPresent();
            if (rows.isEmpty() && !cohort) {
                return Mono.error(ApiError.notFound("No boost '" + boostId + "'."));
            }
            Set<String> teams = new TreeSet<>();
            rows.forEach(row -> teams.add(row.teamId()));
            Principal principal = Access.requireManagerOfAll(exchange, teams, "revoke boost '" + boostId + "'");
            Mono<Object> sent = cohort
                    ? send(commands, new RevokeCohortBoost(boostId, principal.id(), reason))
                    : send(commands, new RevokeBoost(rows.get(0).teamId(), boostId, principal.id(), reason));
            return sent.then(ReadModelWait.until(() -> boosts.boost(boostId).stream()
                    .allMatch(row -> row.endedAt() != null) ? Optional.of(answer(boostId)) : Optional.empty()));
        });
    }

    /** Who a target boosts; {@code selector} is null for a single team or user. */
    private record Cohort(String selector, List<CohortMember> members) {
    }

    private Cohort members(String target, List<String> userIds) {
        if (target.startsWith("team:")) {
            String teamId = target.substring(5);
            if (!directory.teamExists(teamId)) {
                throw ApiError.notFound("No team '" + teamId + "'.");
            }
            return new Cohort(null, List.of(new CohortMember(null, teamId)));
        }
        if (target.startsWith("user:")) {
            UserView user = user(target.substring(5));
            return new Cohort(null, List.of(new CohortMember(user.id(), user.teamId())));
        }
        if (target.equals("users")) {
            if (userIds == null || userIds.isEmpty()) {
                throw ApiError.invalidRequest("target 'users' needs 'user_ids'.", "user_ids");
            }
            List<CohortMember> members = new ArrayList<>();
            for (String userId : new TreeSet<>(InputLists.ids(userIds, Limits.USER_ID, "user_ids"))) {
                UserView user = user(userId);
                members.add(new CohortMember(user.id(), user.teamId()));
            }
            return new Cohort("users", members);
        }
        if (target.startsWith("tag:")) {
            String tag = target.substring(4);
            List<CohortMember> members = directory.usersTagged(tag).stream()
                    .map(user -> new CohortMember(user.id(), user.teamId())).toList();
            if (members.isEmpty()) {
                throw ApiError.invalidRequest("No user carries the tag '" + tag + "': the cohort would be empty.",
                        "target");
            }
            return new Cohort(target, members);
        }
        throw ApiError.invalidRequest("'target' is team:<id>, user:<id>, users (with user_ids) or tag:<tag>.",
                "target");
    }

    private UserView user(String userId) {
        return directory.user(userId).orElseThrow(() -> ApiError.notFound("No user '" + userId + "'."));
    }

    private Map<String, Object> answer(String boostId) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", boostId);
        boosts.cohort(boostId).ifPresentOrElse(cohort -> {
            answer.put("kind", "cohort");
            answer.put("cohort", cohort);
        }, () -> answer.put("kind", boosts.boost(boostId).get(0).userId() == null ? "team" : "user"));
        answer.put("accounts", boosts.boost(boostId));
        return answer;
    }

    /**
     * Whether every member of a cohort boost has their share, or, once the distribution is recorded, every member not
     * skipped (their team refused it) has. The members are the cohort's as first granted, not as a repeated grant
     * finds them (a tag may have a new member since). A cohort boost distributed before distributions were recorded
     * names no member skipped: once that is recorded (the command side decides it, after a repeated grant), its rows
     * are every share there is (the directory processor, one segment, wrote them before that record).
     */
    private static boolean distributed(CohortBoostView cohort) {
        // (a single account's boost elsewhere may carry the same id: only the cohort's shares count)
        long boosted = cohort.members().stream().filter(row -> cohort.id().equals(row.cohortId())).count();
        return boosted >= cohort.memberCount()
                || (cohort.distributedAt() != null && (cohort.skippedUnrecorded()
                || boosted >= cohort.memberCount() - cohort.skipped().size()));
    }

    private static String describe(String target) {
        return target.startsWith("tag:") ? "the cohort " + target : target;
    }
}
