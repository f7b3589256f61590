package dev.tollgate.edge.boost;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A failure of the cohort boost distributor other than a team's refusal (the database unreachable for a moment, a
 * concurrent append to the cohort boost's stream) fails the event's handling, so that the processor tries the event
 * again, instead of Axon's default, which logs it and moves on: the members after the failure would never be offered
 * their share, and the distribution never recorded. Trying again is safe: a team ignores a share it already holds, and
 * the cohort boost records its distribution once. An event that keeps failing holds the distributor back (logged on
 * every attempt) rather than being lost.
 */
@Configuration(proxyBeanMethods = false)
class DistributionFailuresRetried {

    @Bean
    ConfigurerModule cohortBoostDistributionFailuresAreRetried() {
        return configurer -> configurer.eventProcessing().registerListenerInvocationErrorHandler(
                CohortBoostDistributor.PROCESSING_GROUP, config -> PropagatingErrorHandler.instance());
    }
}
