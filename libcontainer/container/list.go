package container

import (
	"errors"
	"os"
	"sort"

	"github.com/berth-runtime/berth/libcontainer/state"
)

// List returns the state of every container under root, sorted by ID. Containers whose state
// cannot be read (a create that is just starting, a corrupt file) are skipped.
func List(root string) ([]*state.OCIState, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
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
