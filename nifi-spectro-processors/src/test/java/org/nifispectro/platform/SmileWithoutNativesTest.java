package org.nifispectro.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import smile.clustering.DBSCAN;

/**
 * SMILE's native BLAS/ARPACK (JavaCPP), DuckDB and SQLite are excluded from the build: this test runs on
 * the same class path as the NAR and proves the SMILE code the project calls works without them.
 */
class SmileWithoutNativesTest {

    @Test
    void nativeLibrariesAreNotOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.bytedeco.javacpp.Loader"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.bytedeco.openblas.global.openblas"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.duckdb.DuckDBDriver"));
    }

    @Test
    void dbscanRunsWithoutNatives() {
        // two well separated blobs and far-away points: DBSCAN must find 2 clusters and mark the strays noise
        Random random = new Random(42);
        double[][] points = new double[205][];
        for (int i = 0; i < 100; i++) {
            points[i] = new double[] {random.nextGaussian() * 0.1, random.nextGaussian() * 0.1};
            points[100 + i] = new double[] {5 + random.nextGaussian() * 0.1, 5 + random.nextGaussian() * 0.1};
        }
        for (int i = 0; i < 5; i++) {
            points[200 + i] = new double[] {-20.0 - 10 * i, 20.0 + 10 * i};
        }
        DBSCAN<double[]> dbscan = DBSCAN.fit(points, 5, 0.5);
        assertEquals(2, dbscan.k());
        assertEquals(dbscan.group()[0], dbscan.group()[99]);
        assertTrue(dbscan.group()[0] != dbscan.group()[100]);
        for (int i = 200; i < 205; i++) {
            assertEquals(smile.clustering.Clustering.OUTLIER, dbscan.group()[i]);
        }
    }
}
