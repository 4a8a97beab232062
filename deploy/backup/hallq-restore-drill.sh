#!/bin/sh
# The restore drill: restore the newest dump into a scratch database, check it holds the
# halls and today's tickets, then drop it. Run it monthly (and after every upgrade) as postgres:
#   sudo -u postgres /opt/hallq/deploy/backup/hallq-restore-drill.sh
# A restore for real is the same pg_restore into an empty `hallq` database with the servers
# stopped (docs/deployment.md, "Restoring").
set -eu
dir=${HALLQ_BACKUP_DIR:-/var/backups/hallq}
db=${HALLQ_DB_NAME:-hallq}
scratch=${HALLQ_DRILL_DB:-hallq_restore_drill}
dump=${1:-$(ls -1t "$dir"/"$db"-*.dump 2>/dev/null | head -n 1)}
[ -n "$dump" ] && [ -f "$dump" ] || { echo "no dump found in $dir" >&2; exit 1; }
dropdb --if-exists "$scratch"
createdb "$scratch"
trap 'dropdb --if-exists "$scratch"' EXIT
pg_restore --no-owner --exit-on-error --dbname="$scratch" "$dump"
halls=$(psql -Atq -d "$scratch" -c 'SELECT count(*) FROM halls')
tickets=$(psql -Atq -d "$scratch" -c 'SELECT count(*) FROM tickets')
latest=$(psql -Atq -d "$scratch" -c "SELECT coalesce(to_char(to_timestamp(max(issued_at)), 'YYYY-MM-DD HH24:MI'), '-') FROM tickets")
echo "restore drill: $dump -> $halls halls, $tickets tickets, newest ticket issued $latest UTC"
[ "$halls" -gt 0 ] || { echo "restore drill FAILED: no halls in the restored database" >&2; exit 1; }
