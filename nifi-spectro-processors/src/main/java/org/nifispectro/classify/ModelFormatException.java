package org.nifispectro.classify;

/** A model file is unreadable, corrupt or of an incompatible format version; the message names the file. */
public class ModelFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
