#!/bin/sh
# Debian postrm: forgets the unit's enablement on removal and purge. The eoskeeper user and
# /var/lib/eoskeeper stay, as files may still belong to them.
set -e
if [ -d /run/systemd/system ]; then
	systemctl --system daemon-reload >/dev/null || true
fi
if command -v deb-systemd-helper >/dev/null 2>&1; then
	case "$1" in
	remove)
		deb-systemd-helper mask eoskeeper.service >/dev/null || true
		;;
	purge)
		deb-systemd-helper purge eoskeeper.service >/dev/null || true
		deb-systemd-helper unmask eoskeeper.service >/dev/null || true
		;;
	esac
fi
exit 0
