package dev.tollgate.edge.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * No package cycles (the project guide): a package's classes may use another package's, or be used by it, never
 * both. Checked between the modules' top packages and between the edge's feature packages, so that a shared piece
 * lives where all its users can see it (wire, support, errors, config) instead of inside one of them.
 */
class PackageCyclesTest {

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tollgate");
    }

    @Test
    void theTopPackagesAreFreeOfCycles() {
        slices().matching("dev.tollgate.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theEdgesPackagesAreFreeOfCycles() {
        slices().matching("dev.tollgate.edge.(*)..").should().beFreeOfCycles().check(classes);
    }
}
