package org.nifispectro.processors.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;
import org.nifispectro.processors.RejectLowSNR;

/**
 * The Memory Budget property never lets one FlowFile plan for more than half the JVM's maximum heap, and
 * is the processor's: Concurrent Tasks share it.
 */
class MemoryBudgetCapTest {

    private static long budget(TestRunner runner) {
        PropertyDescriptor d = runner.getProcessor().getPropertyDescriptors().stream()
                .filter(p -> p.getName().equals("Memory Budget")).findFirst().orElseThrow();
        return Parameters.memoryBudget(runner.getProcessContext(), d);
    }

    @Test
    void budgetIsCappedAtHalfTheMaximumHeap() {
        TestRunner runner = TestRunners.newTestRunner(RejectLowSNR.class);
        runner.setProperty("Memory Budget", "100 TB");
        assertEquals(Runtime.getRuntime().maxMemory() / 2, budget(runner));
        runner.setProperty("Memory Budget", "3 MB");
        assertEquals(3L << 20, budget(runner));
    }

    @Test
    void concurrentTasksShareTheBudget() {
        TestRunner runner = TestRunners.newTestRunner(RejectLowSNR.class);
        runner.setProperty("Memory Budget", "12 MB");
        runner.setThreadCount(4);
        assertEquals(3L << 20, budget(runner));
        runner.setProperty("Memory Budget", "100 TB");
        assertEquals(Runtime.getRuntime().maxMemory() / 2 / 4, budget(runner));
    }
}
