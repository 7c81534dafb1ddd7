#!/bin/sh
# Creates the eoskeeper system user and makes systemd see the unit. The service is never
# enabled or started here: an agent must not run before its keeper.hcl is edited.
set -e

# deb passes "configure"; rpm passes the number of installed versions (1 on install).
case "$1" in
configure) packager=deb ;;
[0-9]*) packager=rpm ;;
*) exit 0 ;;
esac

# Debian's adduser on .deb systems; useradd on RPM systems, where "adduser" may be a link to
# useradd that knows none of adduser's options.
if [ "$packager" = deb ]; then
	getent group eoskeeper >/dev/null || addgroup --system eoskeeper >/dev/null
	getent passwd eoskeeper >/dev/null ||
		adduser --system --ingroup eoskeeper --home /var/lib/eoskeeper \
			--shell /usr/sbin/nologin --gecos "eoskeeper agent" eoskeeper >/dev/null
else
	getent group eoskeeper >/dev/null || groupadd --system eoskeeper
	getent passwd eoskeeper >/dev/null ||
		useradd --system --gid eoskeeper --home-dir /var/lib/eoskeeper --no-create-home \
			--shell /sbin/nologin --comment "eoskeeper agent" eoskeeper
fi

# The agent follows nodeos's log; the example nodeos unit writes it readable by nodeos's group.
if getent group nodeos >/dev/null; then
	usermod -a -G nodeos eoskeeper
fi

# Debian: undo the mask a previous removal left, and record the unit's (disabled) state.
if command -v deb-systemd-helper >/dev/null 2>&1; then
	deb-systemd-helper unmask eoskeeper.service >/dev/null || true
	deb-systemd-helper update-state eoskeeper.service >/dev/null || true
fi
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null || true
fi
exit 0
