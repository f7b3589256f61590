package dev.tollgate.edge.admin;

import dev.tollgate.edge.security.Access;
import dev.tollgate.edge.security.Principal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Who the presented administrative credential is: the admin UI signs in with it and shows only the actions the role
 * may take. Any administrative credential may ask (an API key is refused by the filter, like on every admin route).
 */
@RestController
@Tag(name = "Admin: credentials", description = "Roles: admin, manager, finance")
public class WhoAmIController {

    @GetMapping("/admin/whoami")
    @Operation(summary = "The presented credential: its id (the actor in the audit trail), role, a manager's teams "
            + "and budget cap")
    public Map<String, Object> whoami(ServerWebExchange exchange) {
        Principal principal = Access.principal(exchange);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", principal.id());
        answer.put("role", principal.role() == null ? null : principal.role().wireName());
        answer.put("teams", new TreeSet<>(principal.teams()));
        answer.put("budget_cap", principal.budgetCap() == null ? null : principal.budgetCap().toDecimalString());
        return answer;
    }
}
