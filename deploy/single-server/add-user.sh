#!/bin/bash
# Create a learner's or an instructor's Linux user with a PRIVATE home (0700): nobody else can read
# their notebooks, and an instructor's ~/courses/ (solutions, hidden tests, gradebook.db, submitted/)
# stays closed. Run as root, once per person (deploy/OPERATIONS.md §2):
#
#   deploy/single-server/add-user.sh <name>
#   passwd <name>            # or, for a roster:  chpasswd < names-and-passwords.txt   ("name:password" lines)
#
# Then add learners to /etc/jupyterhub/roster.csv and instructors to /etc/jupyterhub/instructors.txt.
set -euo pipefail
if [ "$#" -ne 1 ]; then
  echo "使い方: $0 <ユーザー名>" >&2
  exit 2
fi
name="$1"
base="${DXKIT_HOME_BASE:-/home}"       # tests put homes in a temporary folder
useradd --create-home --base-dir "$base" --shell /bin/bash --user-group -K HOME_MODE=0700 "$name"
chmod 0700 "$base/$name"               # also where useradd is older than HOME_MODE (shadow < 4.8)
