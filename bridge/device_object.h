/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Device object instance /3/0 (LwM2M 1.1 Core E.4, objects/3.xml),
 * served through an object-access handler (object_access.h) bound to it.
 *
 * How values are kept.  The handler's read callback computes each value
 * when a server reads it (or an observation's notification is built, which
 * is a Read too); object_access stores what it returns in the model, so a
 * value that changed reaches the observe engine through the model's change
 * hook, and an observation with pmax sees the current value at least every
 * pmax.  Nothing is polled while nobody reads: an idle daemon does not wake
 * up for the Device object.  Reads stay cheap: the configured strings are
 * returned from memory; /proc/meminfo and the power supplies in sysfs are
 * read at most once per second (a snapshot on the loop's clock), so an
 * instance Read costs at most one file read of each.
 *
 * Resources (R real, from the host; C configuration; - omitted):
 *   0 Manufacturer, 1 Model Number          C  (device.manufacturer, model)
 *   2 Serial Number                         C  device.serial_number, else
 *                                              ROOT/etc/machine-id
 *   3 Firmware Version                      the bridge's PACKAGE_VERSION
 *   4 Reboot, 5 Factory Reset               C  device.reboot_command and
 *        factory_reset_command, run by device_actions.h 100 ms after the
 *        Execute (which is answered 2.04 first); 4.05 when not configured;
 *        a command that fails is logged with its exit status and raises
 *        error code 16 (reboot) or 17 (factory reset)
 *   6 Available Power Sources, 7 Voltage, 8 Current   R  from
 *        ROOT/sys/class/power_supply (Battery 1, USB 5, Mains 6); absent
 *        when it lists none (the power supply set is scanned at start)
 *   9 Battery Level, 20 Battery Status      R  the first battery there;
 *        absent without one
 *   10 Memory Free, 21 Memory Total         R  KiB, MemAvailable and
 *        MemTotal of ROOT/proc/meminfo
 *   11 Error Code                           the model holds the list (see
 *        device_error_raise); 0 alone = no error
 *   12 Reset Error Code                     back to the single 0
 *   13 Current Time                         the system clock plus an
 *        offset; a Write sets the offset, never the system clock (the
 *        daemon runs unprivileged, and an NTP client owns the clock)
 *   14 UTC Offset                           C device.utc_offset, else the
 *        system's offset now ("+01:00"); a Write is kept and reported
 *   15 Timezone                             C device.timezone, else the
 *        system's (device_host.h); a Write is kept and reported.  Neither
 *        Write changes the system's time zone.
 *   16 Supported Binding and Modes          "U", "T" when libcoap has TCP
 *        and a server speaks LwM2M 1.1, and "Q"
 *   17 Device Type, 18 Hardware Version, 19 Software Version   C, else
 *        "gateway", the device tree / DMI model, the OS and kernel
 *   22 ExtDevInfo                           -  (no object to link)
 * Written values of 13-15 live in memory only: a restart starts from the
 * configuration again.
 *
 * Loop thread only.
 */
#ifndef BRIDGE_DEVICE_OBJECT_H
#define BRIDGE_DEVICE_OBJECT_H

#include <stdint.h>

#include "cfg.h"
#include "loop.h"
#include "object_access.h"

/* Device-specific error codes (16..32 of /3/0/11). */
enum {
	DEVICE_ERR_NONE = 0,
	DEVICE_ERR_REBOOT_FAILED = 16,
	DEVICE_ERR_FACTORY_RESET_FAILED = 17,
};

/* How long an Execute of Reboot or Factory Reset waits before the command
 * starts, so that the 2.04 leaves first. */
#define DEVICE_EXECUTE_DELAY_MS 100

struct device;

/*
 * Creates /3/0 in oa's model, fills it and binds the handler.  cfg is
 * read during the call only (strings are copied); its device.host_root is
 * the root prefix of every file read.  loop runs the deferred commands
 * and the snapshot clock.  Returns NULL with errno set (ENOMEM; EEXIST if
 * /3/0 exists; ENOENT without a definition of object 3), after logging
 * why.
 */
struct device *device_new(struct loop *loop, struct object_access *oa,
			  const struct bridge_config *cfg);

/* Unbinds and frees d; /3/0 stays in the model.  NULL is fine. */
void device_free(struct device *d);

/*
 * Adds code (1..32) to the Error Code resource if it is not there (the
 * first error replaces the single 0); device_error_clear removes it (the
 * last one leaves the single 0).  Observers of /3/0/11 are notified.
 * Returns 0, -EINVAL for a code outside 1..32, or a model error.
 */
int device_error_raise(struct device *d, int code);
int device_error_clear(struct device *d, int code);

#endif
