package org.nifispectro.pdf.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * GrText must give bit for bit the doubles Java's correctly rounded Double.parseDouble gives (as
 * GrReader uses it) for every .gr test file, and refuse (null) everything but plain decimal columns.
 */
class GrTextTest {

    private static GrText.Columns parse(String s) {
        return GrText.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The .gr files of the test resources (classify, pdf, decompose). */
    private static List<Path> testGrFiles() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("classify/gr", "pdf/gr", "decompose")) {
            try (Stream<Path> s = Files.list(testResources().resolve(dir))) {
                s.filter(p -> p.toString().endsWith(".gr")).forEach(files::add);
            }
        }
        return files;
    }

    @Test
    void everyTestGrFileGivesGrReadersNumbersBitForBit() throws Exception {
        List<Path> files = testGrFiles();
        int checked = 0;
        for (Path f : files) {
            byte[] b = Files.readAllBytes(f);
            GrText.Columns c = GrText.parse(b);
            GrData d = GrReader.read(f);
            if (c == null) {
                continue;
            }
            assertArrayEquals(d.r(), c.r(), f.toString());
            assertArrayEquals(d.g(), c.g(), f.toString());
            // the same with CRLF line ends
            String crlf = new String(b, StandardCharsets.ISO_8859_1).replace("\n", "\r\n");
            assertArrayEquals(d.g(), parse(crlf).g(), f + " CRLF");
            checked++;
        }
        assertEquals(files.size(), checked, "every test .gr file takes the fast path");
    }

    @Test
    void grReadersByteEntryGivesTheGeneralReadersHeaderLayoutAndColumns() throws Exception {
        List<Path> files = testGrFiles();
        for (Path f : files) {
            GrData general = GrReader.read(f);
            GrData fast = GrReader.parse(Files.readAllBytes(f), f.getFileName().toString());
            assertEquals(general.header(), fast.header(), f.toString());
            assertEquals(general.layout(), fast.layout(), f.toString());
            assertArrayEquals(general.r(), fast.r(), f.toString());
            assertArrayEquals(general.g(), fast.g(), f.toString());
        }
        // a file the fast path refuses (Fortran exponent) still parses, with the general reader's columns
        GrData d = GrReader.parse("x = 1\n#### start data\n1D0 2 0.1\n2 3 0.2\n".getBytes(StandardCharsets.ISO_8859_1), "f");
        assertArrayEquals(new double[] {1, 2}, d.r());
        assertArrayEquals(new double[] {0.1, 0.2}, d.dg());
        assertEquals("1", d.header().get("x"));
        // and a malformed one is refused with the general reader's message and line
        GrFormatException e = org.junit.jupiter.api.Assertions.assertThrows(GrFormatException.class,
                () -> GrReader.parse("#### start data\n1 2\n3 x\n".getBytes(StandardCharsets.ISO_8859_1), "f.gr"));
        assertEquals(3, e.line());
    }

    @Test
    void decimalForms() {
        GrText.Columns c = parse("a = 1\n#### start data\n#L r G\n1.5e-3 -2\n+.25, 7.\n"
                + "1.7976931348623157e308 4.9e-324\n0.1000000000000000055511151231257827 -0.0\n"
                + "123456789012345678901234 1E22\n\n# note\n2 3 4 5 6 x\n");
        assertNotNull(c);
        assertArrayEquals(new double[] {1.5e-3, 0.25, Double.MAX_VALUE, 0.1, 123456789012345678901234.0, 2},
                c.r());
        assertArrayEquals(new double[] {-2, 7, Double.MIN_VALUE, -0.0, 1e22, 3}, c.g());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(c.g()[3]));
        assertEquals("a = 1\n", GrText.header("a = 1\n#### start data\n1 2\n".getBytes(StandardCharsets.ISO_8859_1),
                parse("a = 1\n#### start data\n1 2\n")));
    }

    @Test
    void plainColumnsSkipCommentsAndFreeTextBeforeTheFirstRow() {
        GrText.Columns c = parse("# a comment\nproduced by hand\n0.5 1\n1 2.5\n");
        assertArrayEquals(new double[] {0.5, 1}, c.r());
        assertArrayEquals(new double[] {1, 2.5}, c.g());
        assertEquals(-1, c.headerBytes());
        assertNull(parse("0.5 1\nproduced by hand\n1 2\n"), "text after the first row: GrReader's error");
    }

    @Test
    void anythingButPlainColumnsIsLeftToGrReader() {
        assertNull(parse("1 2\nNaN 4\n"), "NaN in a plain file");
        assertNull(parse("Infinity 2\n3 4\n"), "Infinity before the first row of a plain file");
        assertNull(parse("#### start data\n1D0 2\n"), "Fortran exponent");
        assertNull(parse("#### start data\n1 NaN\n"), "NaN");
        assertNull(parse("#### start data\n1 2f\n"), "suffix");
        assertNull(parse("#### start data\n1\n"), "one column");
        assertNull(parse("#### start data\n1 2 3\n4 5\n"), "fewer columns than the first row");
        assertNull(parse("#### start data\n,1 2\n"), "leading comma");
        assertNull(parse("#### start data\n# only comments\n"), "no rows");
        assertNull(parse("#### start data\n1 2 #c\n"), "trailing comment");
    }

    /**
     * Differential check of the one-pass parser against the general reader: random files built from
     * header lines, start-data markers (also several), comments, blank lines, rows of 1-5 columns,
     * free text, leading commas, control bytes, NaN and CRLF; whenever GrText answers, GrReader must
     * accept the same text with bit-identical columns.
     */
    @Test
    void randomLayoutsGiveGrReadersColumnsWheneverTheFastPathAnswers() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        String[] pieces = {"qmax = 19\n", "#### start data\n", "# start data\n", "#L r G\n", "\n", "   \t\n",
            "produced by hand\n", ",1 2\n", "1 2\u0001\n", "1\u0001 2\n", "NaN 3\n", "0.5\n", "1 2 3 4 5 6\n",
            "x 1\n", "1 x\n"};
        int answered = 0;
        int refused = 0;
        for (int f = 0; f < 20_000; f++) {
            StringBuilder sb = new StringBuilder();
            int lines = rnd.nextInt(1, 14);
            double r0 = rnd.nextDouble();
            for (int i = 0; i < lines; i++) {
                if (rnd.nextInt(3) > 0) {
                    int cols = rnd.nextInt(1, 4) + (rnd.nextInt(8) == 0 ? 2 : 0);
                    sb.append(String.format(java.util.Locale.ROOT, "%.17g", r0 + i));
                    for (int c = 1; c < cols; c++) {
                        sb.append(rnd.nextBoolean() ? " " : rnd.nextBoolean() ? "\t" : ", ")
                                .append(String.format(java.util.Locale.ROOT, "%.6e", rnd.nextDouble() - 0.5));
                    }
                    sb.append(rnd.nextInt(10) == 0 ? "  \n" : "\n");
                } else {
                    sb.append(pieces[rnd.nextInt(pieces.length)]);
                }
            }
            String text = rnd.nextInt(4) == 0 ? sb.toString().replace("\n", "\r\n") : sb.toString();
            GrText.Columns c = parse(text);
            if (c == null) {
                refused++;
                continue;
            }
            answered++;
            GrData d;
            try {
                d = GrReader.parse(java.util.Arrays.asList(text.split("\r?\n|\r", -1)), "random");
            } catch (GrFormatException e) {
                throw new AssertionError("GrText answered but GrReader refuses: " + e.getMessage() + "\n" + text, e);
            }
            assertArrayEquals(d.r(), c.r(), text);
            assertArrayEquals(d.g(), c.g(), text);
        }
        // both outcomes must occur often, or the check says little
        org.junit.jupiter.api.Assertions.assertTrue(answered > 2_000 && refused > 2_000, answered + " answered, "
                + refused + " refused");
    }

    @Test
    void randomNumbersInEveryPrintedFormAreCorrectlyRounded() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
        StringBuilder sb = new StringBuilder("#### start data\n");
        List<Double> expected = new ArrayList<>();
        String[] formats = {"%.18e", "%.17e", "%.16e", "%.9g", "%.6f", "%.20f", "%.3e"};
        for (int i = 0; i < 200_000; i++) {
            double x = Double.longBitsToDouble(rnd.nextLong() & 0x7fffffffffffffffL);
            if (i % 2 == 0) {
                x = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(-12, 12));
            }
            if (!Double.isFinite(x)) {
                continue;
            }
            String a = String.format(java.util.Locale.ROOT, formats[i % formats.length], x);
            String b = i % 3 == 0 ? "9007199254740993" : Double.toString(x);
            sb.append(a).append(' ').append(b).append('\n');
            expected.add(Double.parseDouble(a));
            expected.add(Double.parseDouble(b));
        }
        GrText.Columns c = parse(sb.toString());
        assertNotNull(c);
        for (int i = 0; i < c.r().length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected.get(2 * i)), Double.doubleToRawLongBits(c.r()[i]),
                    "row " + i);
            assertEquals(Double.doubleToRawLongBits(expected.get(2 * i + 1)), Double.doubleToRawLongBits(c.g()[i]),
                    "row " + i);
        }
    }

    /** The root of the test resources (the folder holding classify/, pdf/, decompose/). */
    private static Path testResources() throws java.net.URISyntaxException {
        return Path.of(GrTextTest.class.getResource("/decompose").toURI()).getParent();
    }
}
