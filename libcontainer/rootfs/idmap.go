package rootfs

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Idmapped bind mounts arrive made (package idmap: init, in its user namespace, may no longer set
// mappings). What init needs of the source, it reads from that mount's fd, never the host path:
// a user-namespaced init often cannot even walk to the source (volumes live under 0700
// directories), while the host could.

// idmappedTarget resolves where the idmapped mount goes, as mountTarget does for a bind mount:
// a file for a file, a directory for a directory.
func idmappedTarget(r *root, dest string, mnt *os.File) (*os.File, error) {
	st, err := fstat(mnt)
	if err != nil {
		return nil, fmt.Errorf("idmapped bind: %w", err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return r.fileTarget(dest)
	}
	return r.mkdirAll(dest, 0o755)
}

// idmappedBind sets the per-mount flags of the options on the idmapped mount, as bindMount does
// on a clone it makes. The host made this clone with full privileges, so none of its flags is
// locked and the options apply as given, as without a user namespace.
func idmappedBind(mnt *os.File, source string, opts MountOptions) error {
	attr, err := bindAttr(source, opts, false)
	if err == nil {
		err = setAttr(mnt, &attr, false)
	}
	if err != nil {
		return fmt.Errorf("idmapped bind %q: %w", source, err)
	}
	return nil
}
