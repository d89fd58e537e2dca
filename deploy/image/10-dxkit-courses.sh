#!/bin/bash
# Runs before each server start. docker-stacks' start.sh SOURCES every before-notebook.d/*.sh
# (run-hooks.sh), so this file must never `exit`, `cd` or change shell options in start.sh's shell:
# all the work happens in a subshell function, and only the function name is left behind (unset).
# The single-server setup (deploy/single-server/) sources it the same way before each server.
#
# Copies the image's lessons into ~/dxkit/courses without ever losing a learner's work:
#   - a lesson the learner does not have yet is copied;
#   - a lesson updated in a new image replaces the learner's copy only if they never changed it;
#     otherwise it is put next to it as <name>.new.ipynb (see deploy/OPERATIONS.md).
# ~/.dxkit/shipped-courses/ remembers what was copied last time.
_dxkit_copy_courses() (
  set -u
  src="${DXKIT_COURSES_SRC:-/opt/dxkit/courses}"
  dst="${HOME}/dxkit/courses"
  shipped="${HOME}/.dxkit/shipped-courses"
  [ -d "$src" ] || return 0
  cd "$src" || return 0
  find . -type f ! -path '*/.ipynb_checkpoints/*' | while read -r f; do
    target="$dst/$f"; last="$shipped/$f"
    mkdir -p "$(dirname "$target")" "$(dirname "$last")"
    if [ ! -e "$target" ]; then
      cp "$f" "$target"
    elif [ -e "$last" ] && ! cmp -s "$f" "$last"; then
      if cmp -s "$target" "$last"; then
        cp "$f" "$target"                                  # untouched by the learner: update in place
      else
        cp "$f" "${target%.*}.new.${target##*.}"           # the learner's version stays as it is
      fi
    fi
    cp "$f" "$last"
  done
)
_dxkit_copy_courses || echo "dxkit: レッスンのコピーに失敗しました（サーバーは起動します）。" >&2
unset -f _dxkit_copy_courses
