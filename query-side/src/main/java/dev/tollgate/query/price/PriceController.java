package dev.tollgate.query.price;

import dev.tollgate.query.support.Blocking;
import dev.tollgate.query.support.NotFound;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.Map;

@RestController
@Tag(name = "Admin: prices", description = "The versioned price book")
public class PriceController {

    private final PriceQueries queries;

    public PriceController(PriceQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/admin/prices")
    @Operation(summary = "Every version of the price book, newest publication first")
    public Mono<Map<String, Object>> versions() {
        return Blocking.query(() -> Map.of("object", "list", "data", queries.versions()));
    }

    @GetMapping("/admin/prices/current")
    @Operation(summary = "The version in force now")
    public Mono<PriceVersionView> current() {
        return Blocking.query(() -> queries.inForceAt(Instant.now())
                .orElseThrow(() -> new NotFound("No prices have been published yet.")));
    }
}
