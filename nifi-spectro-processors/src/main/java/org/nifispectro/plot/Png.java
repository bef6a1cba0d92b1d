package org.nifispectro.plot;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** PNG encoding with javax.imageio. */
public final class Png {

    private Png() {
    }

    public static byte[] encode(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(img, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static void write(BufferedImage img, OutputStream out) throws IOException {
        if (!ImageIO.write(img, "png", out)) {
            throw new IOException("no PNG writer available in this JVM");
        }
    }

    public static void write(BufferedImage img, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(img, out);
        }
    }
}
