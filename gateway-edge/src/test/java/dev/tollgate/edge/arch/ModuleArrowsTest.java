package dev.tollgate.edge.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The module arrows of the design guide, checked on the compiled classes:
 * command-side (api, domain) depends on nothing of ours; projections on the api (and the generated read-model
 * classes) only; the query side on the read-model classes only; nobody on the edge.
 */
class ModuleArrowsTest {

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tollgate");
    }

    @Test
    void theCommandSideDependsOnNothingOfOurs() {
        noClasses().that().resideInAnyPackage("dev.tollgate.api..", "dev.tollgate.domain..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tollgate.projection..",
                        "dev.tollgate.query..", "dev.tollgate.edge..", "dev.tollgate.readmodel..")
                .check(classes);
    }

    @Test
    void eventsCommandsAndValuesDoNotKnowTheAggregates() {
        noClasses().that().resideInAPackage("dev.tollgate.api..")
                .should().dependOnClassesThat().resideInAPackage("dev.tollgate.domain..")
                .check(classes);
    }

    @Test
    void projectionsUseTheApiButNeverTheDomainTheQuerySideOrTheEdge() {
        noClasses().that().resideInAPackage("dev.tollgate.projection..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tollgate.domain..", "dev.tollgate.query..",
                        "dev.tollgate.edge..")
                .check(classes);
    }

    @Test
    void theQuerySideReadsTablesOnly() {
        noClasses().that().resideInAPackage("dev.tollgate.query..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tollgate.api..", "dev.tollgate.domain..",
                        "dev.tollgate.projection..", "dev.tollgate.edge..")
                .check(classes);
    }

    @Test
    void theGeneratedReadModelDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("dev.tollgate.readmodel..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.tollgate.api..", "dev.tollgate.domain..",
                        "dev.tollgate.projection..", "dev.tollgate.query..", "dev.tollgate.edge..")
                .check(classes);
    }

    @Test
    void nobodyImportsTheEdge() {
        noClasses().that().resideOutsideOfPackage("dev.tollgate.edge..")
                .should().dependOnClassesThat().resideInAPackage("dev.tollgate.edge..")
                .check(classes);
    }

    @Test
    void moneyIsNeverAFloatingPointNumber() {
        fields().that().areDeclaredInClassesThat().resideInAnyPackage("dev.tollgate.api..", "dev.tollgate.domain..",
                        "dev.tollgate.projection..", "dev.tollgate.query..")
                .should().notHaveRawType(double.class).andShould().notHaveRawType(float.class)
                .andShould().notHaveRawType(Double.class).andShould().notHaveRawType(Float.class)
                .check(classes);
    }
}
