package org.steptrace.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of the architecture: dependencies point down the pipeline. Each stage
 * may use only the project packages named here (and any library); the CLI and the bench wire
 * everything together.
 */
class DependencyRulesTest {
    private static final String ROOT = "org.steptrace";
    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    /** Classes of {@code stage} may depend on project classes of {@code allowed} stages only. */
    private static ArchRule stageUsesOnly(String stage, String... allowed) {
        String[] packages = new String[allowed.length + 2];
        packages[0] = ROOT + "." + stage + "..";
        for (int i = 0; i < allowed.length; i++) packages[i + 1] = ROOT + "." + allowed[i] + "..";
        packages[packages.length - 1] = "java..";
        return classes().that().resideInAPackage(ROOT + "." + stage + "..")
                .should().onlyDependOnClassesThat(
                        com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage(ROOT + "..")
                                .or(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage(packages)))
                .allowEmptyShould(true)
                .because(stage + " may use only " + String.join(", ", allowed.length == 0 ? new String[] {"itself"} : allowed));
    }

    @Test
    void protocolMachineAndTraceStandAlone() {
        stageUsesOnly("protocol").check(classes);
        stageUsesOnly("machine").check(classes);
        stageUsesOnly("trace", "machine").check(classes);
    }

    @Test
    void linkUsesOnlyTheProtocol() {
        stageUsesOnly("link", "protocol").check(classes);
    }

    @Test
    void hostAndFirmwareUseOnlyTheLowerStages() {
        stageUsesOnly("host", "protocol", "link", "machine", "trace").check(classes);
        stageUsesOnly("firmware", "protocol", "link", "machine", "trace").check(classes);
    }

    @Test
    void extractReadsOnlyTraces() {
        stageUsesOnly("extract", "trace").check(classes);
    }

    @Test
    void noStageDependsOnTheCli() {
        classes().that().resideOutsideOfPackages(ROOT + ".cli..", ROOT + ".bench..")
                .should().onlyDependOnClassesThat().resideOutsideOfPackage(ROOT + ".cli..")
                .check(classes);
    }

    @Test
    void onlyTheCliAndTheBenchUseTheInProcessWiring() {
        classes().that().resideOutsideOfPackages(ROOT + ".cli..", ROOT + ".bench..", ROOT + ".sim..")
                .should().onlyDependOnClassesThat().resideOutsideOfPackage(ROOT + ".sim..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    }
}
