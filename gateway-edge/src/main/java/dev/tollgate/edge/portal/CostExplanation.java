package dev.tollgate.edge.portal;

import dev.tollgate.query.spend.MessageCostView;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A short, plain explanation of why a message cost what it did, next to the student's typical message (the median
 * of the messages shown): a longer prompt (a chat sends the whole conversation again), a longer answer, hidden
 * reasoning, a pricier model, images. Exact arithmetic; words only.
 */
public final class CostExplanation {

    private static final BigDecimal MORE = new BigDecimal("1.25");
    private static final BigDecimal LESS = new BigDecimal("0.8");

    private CostExplanation() {
    }

    /** The typical (median-cost) charged message of these, or {@code null} when none was charged. */
    public static MessageCostView typical(List<MessageCostView> messages) {
        List<MessageCostView> charged = messages.stream().filter(m -> cost(m) != null && cost(m).signum() > 0)
                .sorted(Comparator.comparing(CostExplanation::cost)).toList();
        return charged.isEmpty() ? null : charged.get(charged.size() / 2);
    }

    /**
     * @param pricePerMillion a model's input and output prices per million tokens ({@code [input, output]}), for the
     *                        models that have them
     */
    public static String explain(MessageCostView message, MessageCostView typical,
                                 Map<String, BigDecimal[]> pricePerMillion) {
        BigDecimal cost = cost(message);
        if (!"settled".equals(message.outcome()) && !"expired".equals(message.outcome())) {
            return switch (String.valueOf(message.outcome())) {
                case "rejected" -> "Not charged: refused before it reached a model"
                        + (message.reason() == null ? "." : " (" + message.reason() + ").");
                case "released" -> "Not charged: the model did not answer.";
                default -> "Still in progress: its cost is known when the answer has ended.";
            };
        }
        if ("expired".equals(message.outcome())) {
            return "Charged at its estimate: the answer never finished, so the worst case was kept.";
        }
        if (typical == null || cost == null || message.requestId().equals(typical.requestId())
                || cost(typical).signum() == 0) {
            return "Your typical message" + tokens(message) + ".";
        }
        BigDecimal ratio = cost.divide(cost(typical), 1, RoundingMode.HALF_UP);
        List<String> reasons = new ArrayList<>();
        boolean more = ratio.compareTo(MORE) > 0;
        boolean less = ratio.compareTo(LESS) < 0;
        if (!more && !less) {
            return "About as much as your typical message" + tokens(message) + ".";
        }
        long prompt = n(message.usage() == null ? null : message.usage().promptTokens());
        long typicalPrompt = n(typical.usage() == null ? null : typical.usage().promptTokens());
        long answer = n(message.usage() == null ? null : message.usage().completionTokens());
        long typicalAnswer = n(typical.usage() == null ? null : typical.usage().completionTokens());
        long reasoning = n(message.usage() == null ? null : message.usage().reasoningTokens());
        long cached = n(message.usage() == null ? null : message.usage().cachedTokens());
        if (more ? prompt > typicalPrompt * 3 / 2 : prompt * 3 / 2 < typicalPrompt) {
            reasons.add((more ? "a longer prompt (" : "a shorter prompt (") + prompt + " tokens, typical "
                    + typicalPrompt + (more ? "; a chat sends the whole conversation again with every message)"
                    : ")"));
        }
        if (more ? answer > typicalAnswer * 3 / 2 : answer * 3 / 2 < typicalAnswer) {
            reasons.add((more ? "a longer answer (" : "a shorter answer (") + answer + " tokens, typical "
                    + typicalAnswer + ")");
        }
        if (more && reasoning > 0) {
            reasons.add(reasoning + " hidden reasoning tokens, charged as output");
        }
        if (!more && cached > 0) {
            reasons.add(cached + " prompt tokens served from the provider's cache at a lower price");
        }
        if (message.images() != null && message.images() > 0) {
            reasons.add(message.images() + " image(s)");
        }
        if (message.model() != null && !message.model().equals(typical.model())) {
            BigDecimal[] mine = pricePerMillion.get(message.model());
            BigDecimal[] theirs = pricePerMillion.get(typical.model());
            if (mine != null && theirs != null) {
                int compared = mine[1].compareTo(theirs[1]);
                if (more ? compared > 0 : compared < 0) {
                    reasons.add("model " + message.model() + " (" + mine[0].stripTrailingZeros().toPlainString()
                            + " / " + mine[1].stripTrailingZeros().toPlainString() + " per million input / output "
                            + "tokens) " + (more ? "costs more" : "costs less") + " than " + typical.model() + " ("
                            + theirs[0].stripTrailingZeros().toPlainString() + " / "
                            + theirs[1].stripTrailingZeros().toPlainString() + ")");
                }
            } else {
                reasons.add("another model (" + message.model() + ", typical " + typical.model() + ")");
            }
        }
        String head = more ? ratio.stripTrailingZeros().toPlainString() + "× your typical message"
                : "Less than your typical message";
        return reasons.isEmpty() ? head + tokens(message) + "." : head + ": " + String.join("; ", reasons) + ".";
    }

    private static String tokens(MessageCostView message) {
        if (message.usage() == null) {
            return "";
        }
        return " (" + n(message.usage().promptTokens()) + " prompt and " + n(message.usage().completionTokens())
                + " answer tokens)";
    }

    private static long n(Long value) {
        return value == null ? 0 : value;
    }

    static BigDecimal cost(MessageCostView message) {
        String cost = message.adjustedCost() != null ? message.adjustedCost() : message.cost();
        return cost == null ? null : new BigDecimal(cost);
    }
}
