#!/usr/bin/python3
"""A D-Bus peer that answers as systemd's manager does, for the agent's systemd collector.

Owns org.freedesktop.systemd1 on the bus of DBUS_SYSTEM_BUS_ADDRESS (a private dbus-daemon the
test starts: systemd is not PID 1 in the test machines) and answers the calls node_exporter's
collector makes: Manager.ListUnits, and org.freedesktop.DBus.Properties.Get for the manager's
Version and SystemState and the units' Service, Socket, Timer and Unit properties.

  systemd_peer.py READY_FILE [--broken]

Writes READY_FILE once the name is owned. --broken answers ListUnits with the wrong signature.
Runs until killed. Needs Debian's python3-dbus and python3-gi (hence /usr/bin/python3).
"""
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

MANAGER = "org.freedesktop.systemd1.Manager"
PROPERTIES = "org.freedesktop.DBus.Properties"
ROOT = "/org/freedesktop/systemd1"

# name, load state, active state, sub state, properties per interface
UNITS = [
    ("ssh.service", "loaded", "active", "running",
     {"Service": {"Type": dbus.String("notify"), "NRestarts": dbus.UInt32(2),
                  "TasksCurrent": dbus.UInt64(3), "TasksMax": dbus.UInt64(4915)},
      "Unit": {"ActiveEnterTimestamp": dbus.UInt64(1764900000123456)}}),
    ("cron.service", "loaded", "failed", "failed",
     {"Service": {"Type": dbus.String("simple"), "NRestarts": dbus.UInt32(0),
                  "TasksCurrent": dbus.UInt64(2**64 - 1), "TasksMax": dbus.UInt64(2**64 - 1)},
      "Unit": {"ActiveEnterTimestamp": dbus.UInt64(0)}}),
    ("ghost.service", "not-found", "inactive", "dead", {}),
    ("logrotate.timer", "loaded", "active", "waiting",
     {"Timer": {"LastTriggerUSec": dbus.UInt64(1764892800000000)},
      "Unit": {"ActiveEnterTimestamp": dbus.UInt64(1764800000000000)}}),
    ("dbus.socket", "loaded", "active", "running",
     {"Socket": {"NAccepted": dbus.UInt32(17), "NConnections": dbus.UInt32(5),
                 "NRefused": dbus.UInt32(1)},
      "Unit": {"ActiveEnterTimestamp": dbus.UInt64(1764800000000000)}}),
    ("multi-user.target", "loaded", "active", "active", {}),
    ("-.mount", "loaded", "active", "mounted", {}),
    ("backup.service", "loaded", "activating", "start", {"Service": {"Type": dbus.String("oneshot")}}),
]


def unit_path(name):
    """systemd's escaping of a unit name into an object path element."""
    escaped = "".join(c if c.isalnum() else "_%02x" % ord(c) for c in name)
    return ROOT + "/unit/" + escaped


class Systemd(dbus.service.FallbackObject):
    """The manager at ROOT and, as a fallback object, every unit object below it."""

    def __init__(self, bus):
        super().__init__(bus, ROOT)
        self.by_path = {unit_path(u[0]): u for u in UNITS}

    @dbus.service.method(MANAGER, in_signature="", out_signature="a(ssssssouso)")
    def ListUnits(self):
        return [(name, name + " description", load, active, sub, "", dbus.ObjectPath(unit_path(name)),
                 dbus.UInt32(0), "", dbus.ObjectPath("/")) for name, load, active, sub, _ in UNITS]

    @dbus.service.method(PROPERTIES, in_signature="ss", out_signature="v", rel_path_keyword="rel")
    def Get(self, interface, name, rel):
        path = ROOT + (rel if rel != "/" else "")
        if path == ROOT and interface == MANAGER:
            values = {"Version": dbus.String("252.39-1~deb12u1"),
                      "SystemState": dbus.String("degraded")}
        else:
            unit = self.by_path.get(path)
            short = interface.rsplit(".", 1)[-1]
            values = unit[4].get(short, {}) if unit else {}
        if name not in values:
            raise dbus.exceptions.DBusException(
                "no property %s.%s on %s" % (interface, name, path),
                name="org.freedesktop.DBus.Error.UnknownProperty")
        return values[name]


class BrokenSystemd(Systemd):
    """ListUnits answers an array of strings, not of unit structures."""

    @dbus.service.method(MANAGER, in_signature="", out_signature="as")
    def ListUnits(self):
        return ["ssh.service"]


def main():
    ready_file = sys.argv[1]
    broken = "--broken" in sys.argv[2:]
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SystemBus()
    name = dbus.service.BusName("org.freedesktop.systemd1", bus)
    peer = (BrokenSystemd if broken else Systemd)(bus)
    with open(ready_file, "w") as f:
        f.write("ready\n")
    GLib.MainLoop().run()
    del name, peer


if __name__ == "__main__":
    main()
