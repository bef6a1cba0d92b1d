# Sourced by the bin/ scripts: exports JAVA_HOME pointing at a JDK >= 21, or exits with a clear message.
# Looks at $JAVA_HOME, then the java on PATH, then the usual install folders (newest first).

_spectro_java_major() {
    # prints the feature version of the JDK whose home is $1 (empty when it is not a JDK)
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

_spectro_find_java() {
    local candidates=() c v
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    if command -v javac >/dev/null 2>&1; then
        c=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
        candidates+=("$c")
    fi
    for c in $(ls -d /usr/lib/jvm/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home \
               "$HOME"/.sdkman/candidates/java/* 2>/dev/null | sort -rV); do
        candidates+=("$c")
    done
    for c in "${candidates[@]}"; do
        v=$(_spectro_java_major "$c")
        if [ -n "$v" ] && [ "$v" -ge 21 ]; then
            echo "$c"
            return 0
        fi
    done
    return 1
}

if ! SPECTRO_JAVA_HOME=$(_spectro_find_java); then
    echo "nifi-spectro needs a JDK 21 or newer (java and javac), and found none." >&2
    echo "Looked at \$JAVA_HOME, the javac on PATH and /usr/lib/jvm, /opt/java, /opt/jdk*, ~/.sdkman." >&2
    echo "Install one (for example 'apt-get install openjdk-21-jdk-headless' or Temurin 21/25) or set JAVA_HOME." >&2
    exit 1
fi
export JAVA_HOME="$SPECTRO_JAVA_HOME"
export PATH="$JAVA_HOME/bin:$PATH"
