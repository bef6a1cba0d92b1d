package org.nifispectro.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

/** Text chunks in PNGs: what {@link Png#encode(BufferedImage, Map)} writes is a valid iTXt chunk, read back exactly. */
class PngTextTest {

    private static BufferedImage image() {
        BufferedImage img = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 2, 0x123456);
        return img;
    }

    @Test
    void textChunksRoundTripWithUnicodeAndTheImageIsUnchanged() throws Exception {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("nifi-spectro:history", "[{\"program\":\"nifi-spectro DBSCANCluster\",\"note\":\"Fe L\u2083 \u00c5\"}]");
        text.put("Comment", "second chunk");
        byte[] png = Png.encode(image(), text);
        assertEquals(text, Png.readText(png));
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(0x123456, back.getRGB(3, 2) & 0xffffff);
        assertEquals(7, back.getWidth());
        // PNG spec: an iTXt chunk is "iTXt" + keyword + NUL + flags; the UTF-8 text is stored as is
        String raw = new String(png, StandardCharsets.ISO_8859_1);
        assertTrue(raw.contains("iTXtnifi-spectro:history\0"), "iTXt chunk with the keyword");
        assertTrue(new String(png, StandardCharsets.UTF_8).contains("Fe L\u2083 \u00c5"), "UTF-8 text uncompressed");
    }

    @Test
    void aPlainPngHasNoTextAndBadKeywordsAreRefused() throws Exception {
        assertEquals(Map.of(), Png.readText(Png.encode(image())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Png.encode(image(), Map.of(" lead", "x")));
        assertTrue(e.getMessage().contains("' lead'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Png.encode(image(), Map.of("k".repeat(80), "x")));
        assertThrows(IllegalArgumentException.class, () -> Png.encode(image(), Map.of("tab\there", "x")));
        assertThrows(java.io.IOException.class, () -> Png.readText("not a png".getBytes(StandardCharsets.US_ASCII)));
    }
}
