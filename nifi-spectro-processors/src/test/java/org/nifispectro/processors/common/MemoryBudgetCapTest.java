package org.nifispectro.processors.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;
import org.nifispectro.processors.RejectLowSNR;

/** The Memory Budget property never lets one FlowFile plan for more than half the JVM's maximum heap. */
class MemoryBudgetCapTest {

    @Test
    void budgetIsCappedAtHalfTheMaximumHeap() {
        TestRunner runner = TestRunners.newTestRunner(RejectLowSNR.class);
        runner.setProperty("Memory Budget", "100 TB");
        assertEquals(Runtime.getRuntime().maxMemory() / 2,
                Parameters.memoryBudget(runner.getProcessContext(), runner.getProcessor().getPropertyDescriptors().stream()
                        .filter(d -> d.getName().equals("Memory Budget")).findFirst().orElseThrow()));
        runner.setProperty("Memory Budget", "3 MB");
        assertEquals(3L << 20, Parameters.memoryBudget(runner.getProcessContext(), runner.getProcessor()
                .getPropertyDescriptors().stream().filter(d -> d.getName().equals("Memory Budget")).findFirst().orElseThrow()));
    }
}
