package org.nifispectro.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Adjusted Rand index against values known in closed form (Hubert and Arabie 1985). */
class ClusterAgreementTest {

    @Test
    void identicalUpToRelabellingIsOne() {
        int[] a = {0, 0, 1, 1, 2, 2, -1};
        int[] b = {5, 5, 3, 3, 9, 9, 7};
        assertEquals(1.0, ClusterAgreement.adjustedRandIndex(a, b), 1e-15);
    }

    @Test
    void handComputedValue() {
        // a = {0,0,0,1,1,1}, b = {0,0,1,1,2,2}: contingency [[2,1,0],[0,1,2]]
        // sum C(nij,2) = 1+1 = 2; rows: 3+3 = 6; cols: 1+1+1 = 3; C(6,2) = 15
        // expected = 6*3/15 = 1.2; max = 4.5; ARI = (2-1.2)/(4.5-1.2) = 0.8/3.3
        int[] a = {0, 0, 0, 1, 1, 1};
        int[] b = {0, 0, 1, 1, 2, 2};
        assertEquals(0.8 / 3.3, ClusterAgreement.adjustedRandIndex(a, b), 1e-15);
        ClusterAgreement.Contingency t = ClusterAgreement.contingency(a, b);
        assertArrayEquals(new long[] {2, 1, 0}, t.counts()[0]);
        assertArrayEquals(new long[] {0, 1, 2}, t.counts()[1]);
        assertArrayEquals(new int[] {0, 2}, ClusterAgreement.majorityMap(t));
    }

    @Test
    void independentLabelingsNearZero() {
        // a splits by parity, b by halves of 0..7: contingency all 2s -> ARI = (4 - 6*6/28... )
        int[] a = {0, 1, 0, 1, 0, 1, 0, 1};
        int[] b = {0, 0, 0, 0, 1, 1, 1, 1};
        // sum C(2,2)*4 = 4; rows C(4,2)*2 = 12; cols 12; total C(8,2) = 28; expected 144/28
        double expected = 144.0 / 28;
        assertEquals((4 - expected) / (12 - expected), ClusterAgreement.adjustedRandIndex(a, b), 1e-15);
    }

    @Test
    void lengthMismatchRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterAgreement.adjustedRandIndex(new int[] {0, 1}, new int[] {0}));
        assertEquals("labelings must have the same length, got 2 and 1", e.getMessage());
    }
}
