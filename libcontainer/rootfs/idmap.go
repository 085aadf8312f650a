package rootfs

import (
	"fmt"
	"os"
)

// idmappedBind readies the detached idmapped mount the host made for a bind mount (see package
// idmap: init may no longer set the mappings itself) with the per-mount flags of the options,
// as bindMount does for a clone it makes; doMount then attaches it like any other.
func idmappedBind(mnt *os.File, source string, opts MountOptions, inUserNS bool) error {
	attr, err := bindAttr(source, opts, inUserNS)
	if err == nil {
		err = setAttr(mnt, &attr, false)
	}
	if err != nil {
		return fmt.Errorf("idmapped bind %q: %w", source, err)
	}
	return nil
}
