package dev.tollgate.edge.openai;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;

/**
 * Puts the functional routes ({@code /v1/*}, {@code /ui/}, {@code /portal/}: exact paths, no patterns that could
 * shadow another mapping) first among the handler mappings. Spring Boot orders the actuator's annotation-based
 * mappings at -100, before the functional routes' -1, so every OpenAI request was first matched, and missed, against
 * every actuator endpoint's patterns (docs/performance.md). An actuator request now tries the handful of functional
 * routes first instead, which is cheap and rare.
 */
@Component
class FunctionalRoutesFirst implements BeanPostProcessor {

    /** Before the actuator's endpoint mappings ({@code -100}). */
    static final int ORDER = -200;

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof RouterFunctionMapping mapping) {
            mapping.setOrder(ORDER);
        }
        return bean;
    }
}
