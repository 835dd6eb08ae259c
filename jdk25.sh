# Sourced by Kiln's launcher scripts: points JAVA_HOME at a JDK 25 or newer.
# Uses $JAVA_HOME when it is >= 25, else the newest JDK >= 25 under /usr/lib/jvm.
# On failure it prints what to do and returns 1 (the caller exits).

kiln_java_major() {  # prints the feature version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

kiln_find_jdk25() {
  local major best="" best_major=0 candidate
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(kiln_java_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then return 0; fi
  fi
  for candidate in /usr/lib/jvm/*; do
    major=$(kiln_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ] && [ "$major" -gt "$best_major" ]; then
      best=$candidate best_major=$major
    fi
  done
  if [ -z "$best" ]; then
    echo "kiln: no JDK 25 found. JAVA_HOME=${JAVA_HOME:-<unset>} is not a JDK >= 25 and /usr/lib/jvm has none." >&2
    echo "kiln: install one (for example Temurin 25) and set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME=$best
}

kiln_find_jdk25 || return 1 2>/dev/null || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
