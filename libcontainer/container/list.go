package container

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/berth-runtime/berth/libcontainer/state"
)

// List returns the state of every container under root, sorted by ID, and one error for each
// whose state file is corrupt (naming the file). A directory without a state file is skipped:
// a create that is just starting (gc and delete --force remove one that a dead create left).
//
// A root that does not exist holds no container when it is the default one (nothing was ever
// created on this machine); a root the user named is refused, so that a mistyped --root does not
// look like a machine without containers.
func List(root string, rootGiven bool) (states []*state.OCIState, broken []error, err error) {
	ids, err := stateDirs(root, rootGiven)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		st, err := PeekState(root, id)
		switch {
		case errors.Is(err, state.ErrCorrupt):
			broken = append(broken, fmt.Errorf("%s: %w", id, err))
		case err == nil:
			if st.Owner == "" {
				st.Owner = dirOwner(filepath.Join(root, id))
			}
			states = append(states, st)
		}
	}
	return states, broken, nil
}

// dirOwner names the owner of a container's state directory, as runc's list does: the user who
// made it (a rootless user's containers show their name), "#UID" when no name is known.
func dirOwner(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	uid := strconv.FormatUint(uint64(st.Uid), 10)
	if u, err := user.LookupId(uid); err == nil {
		return u.Username
	}
	return "#" + uid
}
