#!/bin/sh
# Creates the eoskeeper system user and makes systemd see the unit. The service is never
# enabled or started here: an agent must not run before its keeper.hcl is edited.
set -e

# deb passes "configure"; rpm passes the number of installed versions.
case "$1" in
configure | 1 | 2) ;;
*) exit 0 ;;
esac

if ! getent group eoskeeper >/dev/null; then
	if command -v addgroup >/dev/null 2>&1; then
		addgroup --system eoskeeper >/dev/null
	else
		groupadd --system eoskeeper
	fi
fi
if ! getent passwd eoskeeper >/dev/null; then
	if command -v adduser >/dev/null 2>&1; then
		adduser --system --ingroup eoskeeper --home /var/lib/eoskeeper \
			--shell /usr/sbin/nologin --gecos "eoskeeper agent" eoskeeper >/dev/null
	else
		useradd --system --gid eoskeeper --home-dir /var/lib/eoskeeper --create-home \
			--shell /sbin/nologin --comment "eoskeeper agent" eoskeeper
	fi
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
