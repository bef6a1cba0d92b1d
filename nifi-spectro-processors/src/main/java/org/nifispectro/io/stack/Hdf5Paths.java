package org.nifispectro.io.stack;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.Link;
import io.jhdf.api.Node;
import io.jhdf.links.ExternalLink;
import io.jhdf.links.SoftLink;

/**
 * Resolves a path inside one HDF5 file without ever leaving it.
 *
 * <p>jHDF's {@code getByPath} follows every link on the way, HDF5 external links included: an external
 * link opens another file (an absolute name, or one relative to the directory of the file being read,
 * i.e. the spool directory). Dataset paths come from FlowFile attributes (Expression Language) and the
 * file itself from the FlowFile, so a crafted file could make a processor read any HDF5 file NiFi can
 * read and put its data into an output. This resolver walks the path one name at a time, follows soft
 * links (which stay in the file) by resolving their target the same way, at most {@value #MAX_HOPS} of
 * them, and refuses external links, wherever they appear: on the last name, on an intermediate group,
 * or at the end of a soft link.
 */
public final class Hdf5Paths {

    /** Soft links followed for one path at most (cycles end here). */
    public static final int MAX_HOPS = 16;

    private Hdf5Paths() {
    }

    /** A path that would leave the file (external link) or loops; the message says which link. */
    public static final class UnsafeLinkException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean external;

        UnsafeLinkException(String message, boolean external) {
            super(message);
            this.external = external;
        }

        /** @return true for an external link, false for a soft-link chain that is too long or of an unknown kind */
        public boolean external() {
            return external;
        }
    }

    /**
     * @param hdf  the open file
     * @param path absolute path ("/a/b"; "." and empty names are skipped)
     * @return the node, or null when no such node exists (also a broken soft link)
     * @throws UnsafeLinkException for an external link on the way, or a soft-link chain longer than {@value #MAX_HOPS}
     */
    public static Node resolve(HdfFile hdf, String path) throws UnsafeLinkException {
        return resolve(hdf, path, new int[1]);
    }

    private static Node resolve(HdfFile hdf, String path, int[] hops) throws UnsafeLinkException {
        Node cur = hdf;
        StringBuilder walked = new StringBuilder();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (!(cur instanceof Group g) || cur instanceof Link) {
                return null;
            }
            walked.append('/').append(part);
            Node c = g.getChildren().get(part);
            while (c instanceof Link l) {
                if (l instanceof ExternalLink) {
                    throw new UnsafeLinkException("'" + walked + "' is an external link to another file ("
                            + l.getTargetPath() + "); external links are refused", true);
                }
                if (!(l instanceof SoftLink)) {
                    throw new UnsafeLinkException("'" + walked + "' is a link of an unknown kind; refused", false);
                }
                if (++hops[0] > MAX_HOPS) {
                    throw new UnsafeLinkException("'" + walked + "': chain of more than " + MAX_HOPS + " soft links", false);
                }
                c = resolve(hdf, l.getTargetPath(), hops);
            }
            if (c == null) {
                return null;
            }
            cur = c;
        }
        return cur;
    }
}
