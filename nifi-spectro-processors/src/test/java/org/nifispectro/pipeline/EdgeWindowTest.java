package org.nifispectro.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class EdgeWindowTest {

    @Test
    void parsesLabelsAndRanges() {
        List<EdgeWindow> w = EdgeWindow.parseList(" L3:6190-6680, L2 : 6680.5 - 7100;K_edge:7.1e3-7.2e3");
        assertEquals(3, w.size());
        assertEquals(new EdgeWindow("L3", 6190, 6680), w.get(0));
        assertEquals(new EdgeWindow("L2", 6680.5, 7100), w.get(1));
        assertEquals(new EdgeWindow("K_edge", 7100, 7200), w.get(2));
        assertEquals("L3:6190-6680", w.get(0).toString());
        assertEquals(3, new EdgeWindow("a", 1, 3).count(new double[] {0, 1, 2, 3, 4}));
    }

    @Test
    void blankIsTheWholeScan() {
        List<EdgeWindow> w = EdgeWindow.parseList("  ");
        assertEquals(1, w.size());
        assertTrue(w.get(0).isWholeScan());
        assertEquals("edge", w.get(0).label());
    }

    @Test
    void badTextNamesTheItem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeWindow.parseList("L3:6190-6680, L2:7100"))
                .getMessage().contains("edge window 2 'L2:7100'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeWindow.parseList("L3:6680-6190"))
                .getMessage().contains("must be below"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeWindow.parseList("L3:1-2, l3:3-4"))
                .getMessage().contains("used twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeWindow.parseList("a/b:1-2"))
                .getMessage().contains("letters, digits or underscores"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EdgeWindow.parseList("L3:1-2,,L2:3-4"))
                .getMessage().contains("edge window 2 of"));
    }
}
