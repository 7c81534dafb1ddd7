#!/bin/sh
# RPM %postun: makes systemd forget the removed unit. The eoskeeper user and /var/lib/eoskeeper
# stay, as files may still belong to them.
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
