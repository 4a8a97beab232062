#!/bin/sh
# Dump the HallQ database in pg_dump's custom format (compressed, restorable table by table)
# and delete dumps older than HALLQ_BACKUP_KEEP_DAYS. Run by hallq-backup.timer as postgres.
set -eu
dir=${HALLQ_BACKUP_DIR:-/var/backups/hallq}
keep=${HALLQ_BACKUP_KEEP_DAYS:-30}
db=${HALLQ_DB_NAME:-hallq}
umask 077
mkdir -p "$dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
tmp="$dir/.$db-$stamp.dump.partial"
pg_dump --format=custom --compress=6 --no-owner --file="$tmp" "$db"
# A dump that pg_restore cannot list is not a backup.
pg_restore --list "$tmp" >/dev/null
mv "$tmp" "$dir/$db-$stamp.dump"
find "$dir" -maxdepth 1 -name "$db-*.dump" -mtime +"$keep" -delete
echo "hallq-backup: $dir/$db-$stamp.dump ($(du -h "$dir/$db-$stamp.dump" | cut -f1))"
