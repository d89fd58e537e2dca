#!/bin/bash
# Prepare the server for one course (run as root; again for each new course). deploy/OPERATIONS.md §2.
#
#   deploy/single-server/setup-host.sh <course-id> <instructor>
#
# - dxkit-submit: the system user the submission service runs as (the only writer of inbound/);
# - dxkit-graders: the instructors' group (reads inbound/);
# - the exchange: <root> root 0755; <root>/<course> the instructor 2755 (outbound/ and feedback/,
#   readable by learners); <root>/<course>/inbound dxkit-submit:dxkit-graders 2750 (learners: no access).
set -euo pipefail
if [ "$#" -ne 2 ]; then
  echo "使い方: $0 <コースID> <講師のユーザー名>" >&2
  exit 2
fi
course="$1"; instructor="$2"
exchange="${DXKIT_EXCHANGE_ROOT:-/srv/nbgrader/exchange}"
getent group dxkit-graders >/dev/null || groupadd --system dxkit-graders
getent passwd dxkit-submit >/dev/null || \
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin dxkit-submit
usermod -a -G dxkit-graders "$instructor"
install -d -o root -g root -m 0755 "$exchange"
install -d -o "$instructor" -g dxkit-graders -m 2755 "$exchange/$course"
install -d -o dxkit-submit -g dxkit-graders -m 2750 "$exchange/$course/inbound"
