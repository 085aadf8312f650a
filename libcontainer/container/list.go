package container

import (
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/berth-runtime/berth/libcontainer/state"
)

// List returns the state of every container under root, sorted by ID. Containers whose state
// cannot be read (a create that is just starting, a corrupt file) are skipped.
//
// A root that does not exist holds no container when it is the default one (nothing was ever
// created on this machine); a root the user named is refused, so that a mistyped --root does not
// look like a machine without containers.
func List(root string, rootGiven bool) ([]*state.OCIState, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !rootGiven {
			return nil, nil
		}
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named already
		}
		return nil, fmt.Errorf("--root %s: %w", root, err)
	}
	var out []*state.OCIState
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		c, err := Peek(root, e.Name())
		if err != nil {
			continue
		}
		out = append(out, c.OCIState())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
