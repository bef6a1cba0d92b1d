/**
 * Reading and writing PDF data files (.gr) in the PDFgetX3, PDFgui/PDFgetN and plain column
 * layouts.
 */
package org.nifispectro.pdf.io;
