package org.nifispectro.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Map;

import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;
import org.nifispectro.processors.common.SpectroAttributes;

/**
 * Inputs that are valid files but degenerate data, found while testing issue 9: they must go to failure
 * as bad input (kind input, with the reason), not as an unforeseen internal error.
 */
class DegenerateInputTest {

    /**
     * 3 x 4 pixels that are scaled copies of one spectrum (ChainFixtures), normalized and masked: the PCA
     * covariance is near zero. Commons Math's eigen-decomposition did not converge on it
     * (MaxCountExceededException, routed as kind internal); Pca.Accumulator.finish now reports a
     * decomposition that does not converge as bad input. Whatever the solver does, the contract holds:
     * clusters, or failure of kind input with the reason.
     */
    @Test
    void dbscanOnIdenticalSpectraIsBadInputOrClustered() throws Exception {
        byte[] rejected;
        try (InputStream in = getClass().getResourceAsStream("/security/secret_rejected.h5")) {
            rejected = in.readAllBytes();
        }
        TestRunner r = TestRunners.newTestRunner(DBSCANCluster.class);
        r.enqueue(rejected, Map.of("filename", "identical.h5"));
        r.run();
        assertEquals(0, r.getQueueSize().getObjectCount());
        for (MockFlowFile f : r.getFlowFilesForRelationship(DBSCANCluster.REL_FAILURE)) {
            assertEquals("input", f.getAttribute(SpectroAttributes.ERROR_KIND), f.getAttribute(SpectroAttributes.ERROR));
            assertTrue(!f.getAttribute(SpectroAttributes.ERROR).isBlank());
        }
        assertTrue(r.getFlowFilesForRelationship(DBSCANCluster.REL_FAILURE).size()
                + r.getFlowFilesForRelationship(DBSCANCluster.REL_ORIGINAL).size() == 1, "the input came out once");
    }
}
