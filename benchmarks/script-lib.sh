# Sourced by the benchmark scripts that build Kiln (filed-engine/run, rows-in-order/run,
# pytorch-peer/run) after `source jdk25.sh`.

# imdb_data SCRIPT [PATH]: prints PATH, or the shared IMDB archive when PATH is empty; if that does
# not exist, says so naming SCRIPT and fails (callers: data=$(imdb_data ...) || exit 2).
imdb_data() {
  local path="${2:-$(realpath -m ../shared/datasets/imdb/aclImdb_v1_labeled.tar.gz)}"
  if [ ! -e "$path" ]; then
    echo "$1: no IMDB data at $path; pass --data PATH (the archive or an extracted aclImdb folder)" >&2
    return 2
  fi
  echo "$path"
}

# scratch_worktree NAME REV: sets work to a new temporary folder holding a detached worktree of
# REV at $work/NAME; both are removed when the script exits (its EXIT trap: call it once per script).
scratch_worktree() {
  work=$(mktemp -d "/tmp/kiln-$1.XXXXXX")
  trap "git worktree remove --force '$work/$1' 2>/dev/null || true; rm -rf '$work'" EXIT
  git worktree add -q --detach "$work/$1" "$2"
}

# build DIR: the jars of the checkout at DIR (tests, javadoc and sources skipped).
build() {
  (cd "$1" && MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
    mvn -B -q -ntp -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package)
}
